import { defineNode } from './node.ts';
import { tensor } from './ports.ts';
import { int } from './params.ts';
import { NodeRegistry } from './registry.ts';
import type { GraphDoc } from './document.ts';
import type { BlockDoc } from './block-schema.ts';

// Node types for block tests: core must not depend on the node library.
const source = defineNode({ type: 't.source', version: 1, category: 'inputs', title: 'source', role: 'input', inputs: {}, outputs: { y: tensor('float32', ['B', 8]) } });
const linear = defineNode({
  type: 't.linear', version: 1, category: 'layers', title: 'linear',
  inputs: { x: tensor('float32', ['B', 'I']) },
  outputs: { y: tensor('float32', ['B', 'out']) },
  params: { out: int({ default: 8, min: 1, max: 4096 }) },
  weights: ({ need, dims, params }) => ({ weight: { shape: [params.out, need(dims['I'], 'I')], init: { kind: 'uniform', bound: 0.1 } } }),
  lower: ({ x }) => ({ y: x['x']! }),
});
const add = defineNode({
  type: 't.add', version: 1, category: 'layers', title: 'add',
  inputs: { a: tensor('float32', ['B', 'D']), b: tensor('float32', ['B', 'D']) },
  outputs: { y: tensor('float32', ['B', 'D']) },
  lower: ({ x }) => ({ y: x['a']! }),
});
const sink = defineNode({ type: 't.sink', version: 1, category: 'outputs', title: 'sink', role: 'output', inputs: { value: tensor('float32', null) }, outputs: {} });

export const blockRegistry = new NodeRegistry([source, linear, add, sink]);

/** x -> up (dim*2) -> down (dim) + x: a residual MLP whose width is an exposed param. */
export function mlpBlock(extra: Partial<BlockDoc> = {}): BlockDoc {
  return {
    version: 1, title: 'Residual MLP',
    params: { dim: { kind: 'int', default: 8, min: 1, max: 64 } },
    inputs: { x: { to: [['up', 'x'], ['res', 'a']] } },
    outputs: { y: { from: ['res', 'y'] } },
    nodes: [
      { id: 'up', type: 't.linear', typeVersion: 1, params: {}, bind: { out: 'dim * 2' } },
      { id: 'down', type: 't.linear', typeVersion: 1, params: {}, bind: { out: 'dim' } },
      { id: 'res', type: 't.add', typeVersion: 1, params: {} },
    ],
    edges: [
      { from: ['up', 'y'], to: ['down', 'x'] },
      { from: ['down', 'y'], to: ['res', 'b'] },
    ],
    ...extra,
  };
}

/** src -> l1 -> l2 -> out, where l1 and l2 are instances of `mlp`. */
export function twoInstances(block: BlockDoc = mlpBlock(), params: Record<string, unknown> = {}): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'blocks' }, seed: 3,
    blocks: { mlp: block },
    nodes: [
      { id: 'src', type: 't.source', typeVersion: 1, params: {} },
      { id: 'l1', type: 'block:mlp', typeVersion: 1, params },
      { id: 'l2', type: 'block:mlp', typeVersion: 1, params },
      { id: 'out', type: 't.sink', typeVersion: 1, params: {} },
    ],
    edges: [
      { from: ['src', 'y'], to: ['l1', 'x'] },
      { from: ['l1', 'y'], to: ['l2', 'x'] },
      { from: ['l2', 'y'], to: ['out', 'value'] },
    ],
  };
}
