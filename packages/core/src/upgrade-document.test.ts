import { describe, expect, it } from 'vitest';
import { defineNode } from './node.ts';
import { int } from './params.ts';
import { tensor } from './ports.ts';
import { NodeRegistry } from './registry.ts';
import { upgradeDocument } from './upgrade-document.ts';
import type { GraphDoc } from './document.ts';

// Version 2 of `t.scale` renamed its param `k` to `factor`.
const scale = defineNode({
  type: 't.scale', version: 2, category: 'layers', title: 'Scale',
  inputs: { x: tensor('float32', ['B', 4]) }, outputs: { y: tensor('float32', ['B', 4]) },
  params: { factor: int({ default: 1 }) },
  migrations: [{ from: 1, up: ({ k, ...rest }) => ({ ...rest, factor: k }) }],
  lower: ({ x }) => ({ y: x['x']! }),
});
const registry = new NodeRegistry([scale]);

const doc = (typeVersion: number, params: Record<string, unknown>): GraphDoc => ({
  format: 'modalflow.graph', version: 1, meta: {}, seed: 0,
  nodes: [{ id: 'a', type: 't.scale', typeVersion, params }],
  edges: [],
  blocks: { twice: { inputs: {}, outputs: {}, params: {}, nodes: [{ id: 'inner', type: 't.scale', typeVersion, params }], edges: [] } as never },
});

describe('upgrading a document at load', () => {
  it('migrates the params of every node, in the graph and in its blocks, to the registered version', () => {
    const up = upgradeDocument(doc(1, { k: 3 }), registry);
    expect(up.nodes[0]).toMatchObject({ typeVersion: 2, params: { factor: 3 } });
    expect(up.blocks!['twice']!.nodes[0]).toMatchObject({ typeVersion: 2, params: { factor: 3 } });
  });

  it('returns the document itself when every node is current', () => {
    const current = doc(2, { factor: 3 });
    expect(upgradeDocument(current, registry)).toBe(current);
  });
});

describe('node views', () => {
  it('refuses a views declaration that names a port or param the node lacks', () => {
    const make = (views: object) => () =>
      defineNode({
        type: 't.probe', version: 1, category: 'heads', title: 'Probe',
        inputs: { x: tensor('float32', ['B', 4]) }, outputs: { probs: tensor('float32', ['B', 4]) },
        views, lower: ({ x }) => ({ probs: x['x']! }),
      });
    expect(make({ probabilities: { probs: { classNames: ['a', 'b', 'c', 'd'] } } })).not.toThrow();
    expect(make({ probabilities: { prob: {} } })).toThrow(/views\.probabilities names output port "prob"/);
    expect(make({ attention: ['attn'] })).toThrow(/views\.attention names output port "attn"/);
    expect(make({ patches: { pixels: 'x', size: 'patch' } })).toThrow(/views\.patches\.size names param "patch"/);
  });
});
