import { NodeRegistry, defineNode, tensor, string, asset, type GraphDoc } from '@modalflow/core';

// Minimal node types for compiler tests: the compiler must not depend on the node library.
const input = defineNode({
  type: 'test.input', version: 1, category: 'inputs', title: 'In', role: 'input',
  inputs: {}, outputs: { v: tensor('float32', ['B', 4]) },
});
const add = defineNode({
  type: 'test.add', version: 1, category: 'layers', title: 'Add',
  inputs: { a: tensor('float32', ['B', 4]), b: tensor('float32', ['B', 4], { optional: true }) },
  outputs: { y: tensor('float32', ['B', 4]) },
  lower: ({ g, x }) => ({ y: x['b'] ? (g as any).op('Add', [x['a'], x['b']]) : (g as any).op('Identity', [x['a']]) }),
});
const host = defineNode({
  type: 'test.host', version: 1, category: 'layers', title: 'Host',
  inputs: { a: tensor('float32', ['B', 4]) }, outputs: { y: tensor('float32', ['B', 4]) },
  params: { file: asset({ default: '', accept: ['.txt'] }) },
  host: (inputs) => ({ y: inputs['a']! }),
});
const model = defineNode({
  type: 'test.model', version: 1, category: 'layers', title: 'Model',
  inputs: {}, outputs: {},
  params: { file: asset({ default: '', accept: ['.onnx'] }), note: string({ default: '' }) },
  ports: () => ({ inputs: { a: tensor('float32', ['B', 4]) }, outputs: { y: tensor('float32', ['B', 4]) } }),
  model: ({ params }) => ({ asset: params.file, inputs: { a: 'X' }, outputs: { y: 'Y' } }),
});
const output = defineNode({
  type: 'test.output', version: 1, category: 'outputs', title: 'Out', role: 'output',
  inputs: { value: tensor('float32', null) }, outputs: {},
});

export const registry = new NodeRegistry([input, add, host, model, output]);

type Edge = [string, string, string, string];
export function doc(nodes: [string, string, Record<string, unknown>?][], edges: Edge[], assets?: GraphDoc['assets']): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: {}, seed: 0,
    nodes: nodes.map(([id, type, params]) => ({ id, type: `test.${type}`, typeVersion: 1, params: params ?? {} })),
    edges: edges.map(([a, p, b, q]) => ({ from: [a, p], to: [b, q] })),
    ...(assets ? { assets } : {}),
  };
}
