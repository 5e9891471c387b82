import type { z } from 'zod';
import { parseTree, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import { ModalflowError, type Problem } from './errors.ts';
import { GRAPH_FORMAT, GraphSchema, type GraphDoc } from './document.ts';
import { migrateDocument } from './migrate.ts';

function jsonPointer(path: readonly PropertyKey[]): string {
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/**
 * Parses JSON text, reporting where it breaks. Never evaluates anything. V8's own messages
 * carry a position only for some errors, so the location comes from a strict scan by
 * jsonc-parser (comments and trailing commas refused, as JSON.parse does).
 */
export function parseJson(text: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const where = first ? lineColumn(text, first.offset) : `end of file`;
    const what = first ? describeError(first.error) : 'unexpected end of input';
    throw new ModalflowError('MF_INVALID_JSON', `not valid JSON at ${where}: ${what}`, { file });
  }
}

function describeError(code: ParseErrorCode): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function schemaProblems(error: z.ZodError, raw: unknown, file?: string): Problem[] {
  return error.issues.map((issue) => {
    const path = jsonPointer(issue.path);
    let node: string | undefined;
    if (issue.path[0] === 'nodes' && typeof issue.path[1] === 'number') {
      const n = (raw as { nodes?: { id?: unknown }[] }).nodes?.[issue.path[1]];
      if (n && typeof n.id === 'string') node = n.id;
    }
    const field = issue.path.length ? `"${String(issue.path[issue.path.length - 1])}" ` : '';
    return {
      code: 'MF_SCHEMA',
      message: `${field}${issue.message}`.trim(),
      at: { file, path, ...(node !== undefined ? { node } : {}) },
    };
  });
}

/**
 * Turns a parsed JSON value into a current-version graph document: checks the format, migrates
 * older versions, then validates the shape with the schema. Node semantics (types, ports,
 * shapes) are checked separately by `validateGraph`.
 */
export function loadGraph(raw: unknown, options: { file?: string } = {}): GraphDoc {
  const { file } = options;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModalflowError('MF_NOT_A_GRAPH', 'a graph document must be a JSON object', { file, path: '/' });
  }
  const obj = raw as Record<string, unknown>;
  if (obj['format'] !== GRAPH_FORMAT) {
    throw new ModalflowError(
      'MF_NOT_A_GRAPH',
      `"format" must be "${GRAPH_FORMAT}", got ${JSON.stringify(obj['format'])}`,
      { file, path: '/format' },
    );
  }
  const migrated = migrateDocument(obj, { file });
  const result = GraphSchema.safeParse(migrated);
  if (!result.success) throw ModalflowError.fromProblems(schemaProblems(result.error, migrated, file));
  return result.data;
}

export function parseGraph(text: string, options: { file?: string } = {}): GraphDoc {
  return loadGraph(parseJson(text, options.file), options);
}

/** Stable, human-diffable serialisation used for saving. */
export function serializeGraph(doc: GraphDoc): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
