import { ModalflowError } from './errors.ts';
import { GRAPH_VERSION } from './document.ts';
import type { NodeRegistry } from './registry.ts';

/** One step of the document format: turns a version `from` document into `from + 1`. */
export interface DocMigration {
  from: number;
  up: (doc: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * Document migrations, oldest first. Version 1 is the first published format, so the list is
 * empty; each future bump appends one step and never edits an old one.
 */
export const DOC_MIGRATIONS: DocMigration[] = [];

export function migrateDocument(
  raw: Record<string, unknown>,
  options: { file?: string; migrations?: DocMigration[]; target?: number } = {},
): Record<string, unknown> {
  const migrations = options.migrations ?? DOC_MIGRATIONS;
  const target = options.target ?? GRAPH_VERSION;
  const at = { file: options.file, path: '/version' };
  let version = raw['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ModalflowError('MF_BAD_VERSION', `"version" must be a positive integer, got ${JSON.stringify(version)}`, at);
  }
  if (version > target) {
    throw new ModalflowError(
      'MF_VERSION_TOO_NEW',
      `the document is version ${version} but this ModalFlow reads versions up to ${target}; update ModalFlow to open it`,
      at,
    );
  }
  let doc = raw;
  while (version < target) {
    const step = migrations.find((m) => m.from === version);
    if (!step) throw new ModalflowError('MF_NO_MIGRATION', `no migration from document version ${version}`, at);
    doc = { ...step.up(structuredClone(doc)), version: version + 1 };
    version += 1;
  }
  return doc;
}

/**
 * Upgrades each node's params from the type version it was saved with to the registered one.
 * Unknown types and too-new versions are left alone here; validation reports them.
 */
export function migrateNodes<T extends { type: string; typeVersion: number; params: Record<string, unknown> }>(
  nodes: T[],
  registry: NodeRegistry,
): T[] {
  return nodes.map((node) => {
    const def = registry.get(node.type);
    if (!def || node.typeVersion >= def.version) return node;
    let params = structuredClone(node.params);
    for (let v = node.typeVersion; v < def.version; v++) {
      const step = def.migrations.find((m) => m.from === v);
      if (!step) return node;
      params = step.up(params);
    }
    return { ...node, typeVersion: def.version, params };
  });
}
