import { describe, expect, it } from 'vitest';
import { defineNode } from './node.ts';
import { choice, int } from './params.ts';
import { tensor } from './ports.ts';
import { NodeRegistry } from './registry.ts';
import { upgradeRetiredTypes } from './upgrade.ts';
import { analyzeGraph } from './analyze.ts';
import type { GraphDoc } from './document.ts';

// `t.norm_pre` and `t.norm_post` differed only in the default of `place`; `t.norm` absorbed both.
const norm = defineNode({
  type: 't.norm', version: 1, category: 'layers', title: 'Norm',
  inputs: { x: tensor('float32', ['B', 'D']) }, outputs: { y: tensor('float32', ['B', 'D']) },
  params: { place: choice(['pre', 'post'], { default: 'pre' }), width: int({ default: 4, min: 1 }) },
  presets: [{ name: 'post', title: 'Post-norm', params: { place: 'post' } }],
  replaces: [{ type: 't.norm_post', version: 1, into: 1, params: (p) => ({ place: 'post', ...p }), label: 'Post-norm' }],
  lower: ({ x }) => ({ y: x['x']! }),
});
const source = defineNode({ type: 't.src', version: 1, category: 'inputs', title: 'src', role: 'input', inputs: {}, outputs: { y: tensor('float32', ['B', 4]) } });
const registry = new NodeRegistry([norm, source]);

const doc = (): GraphDoc => ({
  format: 'modalflow.graph', version: 1, meta: {}, seed: 0,
  nodes: [
    { id: 's', type: 't.src', typeVersion: 1, params: {} },
    { id: 'n', type: 't.norm_post', typeVersion: 1, params: { width: 4 } },
    { id: 'b', type: 'block:wrap', typeVersion: 1, params: {} },
  ],
  edges: [{ from: ['s', 'y'], to: ['n', 'x'] }, { from: ['n', 'y'], to: ['b', 'x'] }],
  blocks: {
    wrap: { version: 1, params: {}, inputs: { x: { to: [['inner', 'x']] } }, outputs: {}, nodes: [{ id: 'inner', type: 't.norm_post', typeVersion: 1, params: {} }], edges: [] },
  },
});

describe('retired node types', () => {
  it('are read as the type that absorbed them, in the graph and in blocks, ids kept', () => {
    const up = upgradeRetiredTypes(doc(), registry);
    expect(up.nodes[1]).toEqual({ id: 'n', type: 't.norm', typeVersion: 1, params: { place: 'post', width: 4 }, label: 'Post-norm' });
    expect(up.blocks!['wrap']!.nodes[0]).toMatchObject({ type: 't.norm', params: { place: 'post' } });
    const a = analyzeGraph(doc(), registry);
    expect(a.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(a.nodes.get('n')!.params['place']).toBe('post');
    expect(a.nodes.get('b.inner')!.params['place']).toBe('post');
  });

  it('leave a document without them untouched, and a newer version of the old type unknown', () => {
    const current = upgradeRetiredTypes(doc(), registry);
    expect(upgradeRetiredTypes(current, registry)).toBe(current);
    const newer = doc();
    newer.nodes[1]!.typeVersion = 2;
    newer.blocks = undefined;
    newer.nodes.pop();
    expect(analyzeGraph(newer, registry).problems.map((p) => p.code)).toContain('MF_UNKNOWN_NODE_TYPE');
  });

  it('may be claimed by one type only', () => {
    expect(() => new NodeRegistry([norm, { ...norm, type: 't.other' }])).toThrow(/replaced twice/);
  });
});
