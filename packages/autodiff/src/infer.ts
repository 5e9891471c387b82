import { numel, type Tensor } from '@modalflow/core';
import type { OnnxGraph, OnnxNode } from '@modalflow/onnx';
import { Attrs } from './attrs.ts';
import { irError } from './errors.ts';
import type { OpDef } from './op.ts';
import { OPS } from './ops/index.ts';
import { showShape, type ValueType } from './types.ts';

/** Values larger than this are not folded: folding exists for shape arithmetic, not for math. */
const FOLD_LIMIT = 4096;

export interface TypedGraph {
  graph: OnnxGraph;
  types: Map<string, ValueType>;
  /** Compile-time values: initializers and folded small results. */
  values: Map<string, Tensor>;
}

export function opDef(node: OnnxNode): OpDef {
  const def = node.domain ? undefined : OPS.get(node.opType);
  if (!def) {
    const name = node.domain ? `${node.domain}.${node.opType}` : node.opType;
    throw irError('MF_IR_UNKNOWN_OP', node, `the IR has no rule for op ${name}`);
  }
  return def;
}

/**
 * Gives every value of `graph` a dtype and shape by running each op's shape rule in order.
 * `inputs` overrides the declared shapes of graph inputs (to give symbols their sizes).
 */
export function inferTypes(graph: OnnxGraph, inputs: Record<string, ValueType> = {}): TypedGraph {
  const types = new Map<string, ValueType>();
  const values = new Map<string, Tensor>();
  for (const v of graph.inputs) {
    const given = inputs[v.name];
    if (given) types.set(v.name, given);
    else {
      if (!v.shape) throw irError('MF_IR_UNKNOWN_RANK', { opType: 'Input', name: v.name, inputs: [], outputs: [v.name], attrs: {} }, 'graph input has no shape');
      types.set(v.name, { dtype: v.dtype, shape: [...v.shape] });
    }
  }
  for (const [name, t] of graph.initializers) {
    types.set(name, { dtype: t.dtype, shape: [...t.dims] });
    values.set(name, t);
  }
  for (const node of graph.nodes) inferNode(node, types, values);
  return { graph, types, values };
}

export function inferNode(node: OnnxNode, types: Map<string, ValueType>, values: Map<string, Tensor>): void {
  const def = opDef(node);
  const attr = new Attrs(node);
  const inputs = node.inputs.map((v) => {
    if (v === '') return undefined;
    const t = types.get(v);
    if (!t) throw irError('MF_IR_UNKNOWN_VALUE', node, `input "${v}" is not produced by any earlier node`);
    return t;
  });
  const ctx = {
    node,
    attr,
    inputs,
    values: node.inputs.map((v) => (v === '' ? undefined : values.get(v))),
    fail: (message: string): never => {
      throw irError('MF_IR_SHAPE', node, `${message} (inputs ${inputs.map((t) => (t ? `${t.dtype}${showShape(t.shape)}` : '-')).join(', ')})`);
    },
  };
  const out = def.infer(ctx);
  if (out.length < node.outputs.length) throw irError('MF_IR_SHAPE', node, `shape rule gave ${out.length} outputs, the node has ${node.outputs.length}`);
  node.outputs.forEach((name, k) => {
    if (name !== '') types.set(name, out[k]!);
  });
  if (!def.fold) return;
  // Each fold checks which of its inputs it needs known (Shape needs only a type).
  const small = out.every((t) => t.shape.every((d) => typeof d === 'number') && numel(t.shape as number[]) <= FOLD_LIMIT);
  if (!small) return;
  const folded = def.fold(ctx);
  folded?.forEach((t, k) => {
    const name = node.outputs[k];
    if (name) values.set(name, t);
  });
}
