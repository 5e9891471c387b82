import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze.ts';
import { defineNode } from './node.ts';
import { tensor } from './ports.ts';
import { NodeRegistry } from './registry.ts';
import type { GraphDoc } from './document.ts';

// A source with no inputs and a node whose state is half trained weights, half buffers.
const source = defineNode({ type: 't.source', version: 1, category: 'inputs', title: 'source', role: 'input', inputs: {}, outputs: { y: tensor('float32', [2, 3]) } });
const norm = defineNode({
  type: 't.norm',
  version: 1,
  category: 'layers',
  title: 'norm',
  inputs: { x: tensor('float32', ['B', 'C']) },
  outputs: { y: tensor('float32', ['B', 'C']) },
  weights: ({ need, dims }) => {
    const c = need(dims['C'], 'C');
    return {
      weight: { shape: [c], init: { kind: 'ones' } },
      bias: { shape: [c], init: { kind: 'zeros' } },
      running_mean: { shape: [c], init: { kind: 'zeros' }, buffer: true },
      running_var: { shape: [c], init: { kind: 'ones' }, buffer: true },
    };
  },
  lower: ({ x }) => ({ y: x['x']! }),
});

describe('buffers', () => {
  it('are declared as weights but left out of the parameter count', () => {
    const doc: GraphDoc = {
      format: 'modalflow.graph', version: 1, meta: { title: 't' }, seed: 0,
      nodes: [
        { id: 's', type: 't.source', typeVersion: 1, params: {} },
        { id: 'n', type: 't.norm', typeVersion: 1, params: {} },
      ],
      edges: [{ from: ['s', 'y'], to: ['n', 'x'] }],
    };
    const a = analyzeGraph(doc, new NodeRegistry([source, norm]));
    const n = a.nodes.get('n')!;
    expect(Object.keys(n.weights)).toEqual(['weight', 'bias', 'running_mean', 'running_var']);
    expect(n.paramCount).toBe(6);
    expect(a.totals.params).toBe(6);
  });
});
