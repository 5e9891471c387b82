import { describe, expect, it } from 'vitest';
import { defineNode } from './node.ts';
import { int } from './params.ts';
import { tensor } from './ports.ts';
import { NodeRegistry } from './registry.ts';
import { migrateDocument, migrateNodes, type DocMigration } from './migrate.ts';
import { loadGraph } from './load.ts';
import { analyzeGraph } from './analyze.ts';

// Version 2 of a test node renamed its param `size` to `dim` and halved nothing else.
const scaleV2 = defineNode({
  type: 'test.scale',
  version: 2,
  category: 'layers',
  title: 'Scale',
  inputs: { x: tensor('float32', ['B', 'D']) },
  outputs: { y: tensor('float32', ['B', 'dim']) },
  params: { dim: int({ default: 4, min: 1 }) },
  migrations: [{ from: 1, up: ({ size, ...rest }) => ({ ...rest, dim: size }) }],
  lower: () => ({ y: '' }),
});

describe('node type migrations', () => {
  it('upgrades params saved with an older type version', () => {
    const reg = new NodeRegistry([scaleV2]);
    const [node] = migrateNodes([{ id: 'a', type: 'test.scale', typeVersion: 1, params: { size: 8 } }], reg);
    expect(node).toEqual({ id: 'a', type: 'test.scale', typeVersion: 2, params: { dim: 8 } });
  });

  it('lets analysis read an old graph as the current version', () => {
    const reg = new NodeRegistry([
      scaleV2,
      defineNode({ type: 'test.in', version: 1, category: 'inputs', title: 'In', role: 'input', inputs: {}, outputs: { v: tensor('float32', ['B', 3]) } }),
    ]);
    const doc = loadGraph({
      format: 'modalflow.graph', version: 1,
      nodes: [
        { id: 'i', type: 'test.in', typeVersion: 1 },
        { id: 's', type: 'test.scale', typeVersion: 1, params: { size: 8 } },
      ],
      edges: [{ from: ['i', 'v'], to: ['s', 'x'] }],
    });
    const a = analyzeGraph(doc, reg);
    expect(a.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(a.nodes.get('s')!.outputShapes['y']).toEqual(['B', 8]);
  });

  it('refuses a definition that skips a migration', () => {
    expect(() =>
      defineNode({ type: 'test.bad', version: 3, category: 'layers', title: 'x', inputs: {}, outputs: {}, migrations: [{ from: 1, up: (p) => p }], lower: () => ({}) }),
    ).toThrow(/no migration from version 2/);
  });
});

describe('document migrations', () => {
  const steps: DocMigration[] = [
    { from: 1, up: (d) => ({ ...d, nodes: (d['nodes'] as unknown[]).map((n) => ({ ...(n as object), kind: 'x' })) }) },
    { from: 2, up: (d) => ({ ...d, renamed: true }) },
  ];

  it('runs every step in order up to the target version', () => {
    const out = migrateDocument({ version: 1, nodes: [{ id: 'a' }] }, { migrations: steps, target: 3 });
    expect(out).toEqual({ version: 3, nodes: [{ id: 'a', kind: 'x' }], renamed: true });
  });

  it('refuses newer and malformed versions with their own codes', () => {
    expect(() => migrateDocument({ version: 9 }, { file: 'g.json' })).toThrow(expect.objectContaining({ code: 'MF_VERSION_TOO_NEW' }));
    expect(() => migrateDocument({ version: 'one' })).toThrow(expect.objectContaining({ code: 'MF_BAD_VERSION' }));
    expect(() => migrateDocument({ version: 1 }, { migrations: [], target: 2 })).toThrow(expect.objectContaining({ code: 'MF_NO_MIGRATION' }));
  });
});
