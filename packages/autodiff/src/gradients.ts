import { ModalflowError, numel, type DType, type Tensor } from '@modalflow/core';
import { i, type OnnxGraph, type OnnxNode } from '@modalflow/onnx';
import { Attrs } from './attrs.ts';
import { reducedAxes } from './broadcast.ts';
import { irError } from './errors.ts';
import { inferNode, opDef, type TypedGraph } from './infer.ts';
import type { GradContext } from './op.ts';
import { isFloat, showShape } from './types.ts';

export interface GradientOptions {
  /** Scope for the names of backward nodes (default 'grad'). */
  scope?: string;
}

/**
 * Reverse-mode differentiation of the scalar `loss` with respect to `wrt`, appended to the
 * same graph. Walks the forward nodes backwards, applies each op's rule, sums the gradients of
 * values used more than once, and prunes everything no requested value needs. Returns the
 * gradient value of each name in `wrt`, or undefined where the loss does not depend on it.
 */
export function addGradients(
  typed: TypedGraph,
  loss: string,
  wrt: readonly string[],
  options: GradientOptions = {},
): Map<string, string | undefined> {
  const { graph: g, types, values } = typed;
  const lossType = types.get(loss);
  if (!lossType) throw new ModalflowError('MF_GRAD_NO_LOSS', `the objective "${loss}" is not a value of the graph`);
  if (!isFloat(lossType.dtype) || numel(lossType.shape.map((d) => (typeof d === 'number' ? d : 2))) !== 1) {
    throw new ModalflowError('MF_GRAD_NOT_SCALAR', `the objective "${loss}" must be a float scalar, got ${lossType.dtype}${showShape(lossType.shape)}`);
  }
  const forward = [...g.nodes];

  // Values that depend on some requested value through float data: only they carry gradients.
  const active = new Set<string>(wrt.filter((w) => isFloat(types.get(w)?.dtype ?? 'string')));
  for (const node of forward) {
    const def = opDef(node);
    if (def.differentiable === false) continue;
    if (node.inputs.some((v) => v !== '' && active.has(v))) {
      for (const o of node.outputs) if (o !== '' && isFloat(types.get(o)!.dtype)) active.add(o);
    }
  }
  // Values the loss depends on.
  const useful = new Set<string>([loss]);
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k]!;
    if (node.outputs.some((o) => useful.has(o))) for (const v of node.inputs) if (v !== '') useful.add(v);
  }

  const pending = new Map<string, string[]>();
  const add = (v: string, gv: string) => {
    const list = pending.get(v);
    if (list) list.push(gv);
    else pending.set(v, [gv]);
  };
  const scope = options.scope ?? 'grad';
  // Backward nodes get their types as soon as a rule asks for them, so rules can read shapes.
  let typedUpTo = g.nodes.length;
  const catchUp = () => {
    for (; typedUpTo < g.nodes.length; typedUpTo++) {
      const n = g.nodes[typedUpTo]!;
      for (const v of n.inputs) if (v !== '' && !types.has(v)) registerConstant(g, v, types, values);
      inferNode(n, types, values);
    }
  };
  const total = (v: string): string | undefined => {
    const list = pending.get(v);
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    const sum = g.op('Sum', list, {}, { name: 'sum_fanout' });
    pending.set(v, [sum]);
    return sum;
  };

  g.scope(scope, () => {
    add(loss, constantLike(g, lossType.dtype, lossType.shape as number[], 1));
    for (let k = forward.length - 1; k >= 0; k--) {
      const node = forward[k]!;
      if (!node.outputs.some((o) => useful.has(o) && active.has(o))) continue;
      const dy = node.outputs.map((o) => (o === '' ? undefined : total(o)));
      if (dy.every((d) => d === undefined)) continue;
      const need = node.inputs.map((v) => v !== '' && active.has(v) && useful.has(v));
      if (!need.some(Boolean)) continue;
      const def = opDef(node);
      if (!def.grad) {
        throw irError('MF_GRAD_NO_RULE', node, 'has no gradient rule, but the objective depends on a trainable weight through it');
      }
      const ctx = gradContext(typed, node, dy, need, catchUp);
      const grads = g.scope(node.name.replace(/\//g, '.'), () => def.grad!(ctx));
      catchUp();
      grads.forEach((gv, j) => {
        if (gv !== undefined && need[j]) add(node.inputs[j]!, gv);
      });
    }
  });

  const out = new Map<string, string | undefined>();
  g.scope(scope, () => {
    for (const w of wrt) {
      out.set(w, total(w));
      catchUp();
    }
  });
  return out;
}

function registerConstant(g: OnnxGraph, v: string, types: TypedGraph['types'], values: TypedGraph['values']): void {
  const t = g.initializers.get(v);
  if (!t) return;
  types.set(v, { dtype: t.dtype, shape: [...t.dims] });
  values.set(v, t);
}

function constantLike(g: OnnxGraph, dtype: DType, dims: number[], value: number): string {
  return g.constant(makeConst(dtype, dims, Array(numel(dims)).fill(value)), 'one');
}

export function makeConst(dtype: DType, dims: number[], values: readonly number[]): Tensor {
  switch (dtype) {
    case 'float32':
      return { dtype, dims, data: Float32Array.from(values) };
    case 'float64':
      return { dtype, dims, data: Float64Array.from(values) };
    case 'int64':
      return { dtype, dims, data: BigInt64Array.from(values, (v) => BigInt(v)) };
    case 'int32':
      return { dtype, dims, data: Int32Array.from(values) };
    case 'bool':
      return { dtype, dims, data: Uint8Array.from(values, (v) => (v ? 1 : 0)) };
    default:
      throw new Error(`no constants of dtype ${dtype} in gradient rules`);
  }
}

function gradContext(
  typed: TypedGraph,
  node: OnnxNode,
  dy: (string | undefined)[],
  need: boolean[],
  catchUp: () => void,
): GradContext {
  const { graph: g, types, values } = typed;
  const fail = (message: string): never => {
    throw irError('MF_GRAD_RULE', node, message);
  };
  const type = (v: string) => {
    if (!types.has(v)) {
      registerConstant(g, v, types, values);
      catchUp();
    }
    const u = types.get(v);
    if (!u) return fail(`no type known for "${v}"`);
    return u;
  };
  const shape = (v: string): number[] => {
    const s = type(v).shape;
    if (!s.every((d): d is number => typeof d === 'number')) {
      return fail(`needs the concrete shape of "${v}", which is ${showShape(s)}; give every symbolic size a value before differentiating`);
    }
    return s;
  };
  const ctx: GradContext = {
    g,
    node,
    attr: new Attrs(node),
    x: node.inputs,
    y: node.outputs,
    dy,
    need,
    type,
    shape,
    value: (v) => values.get(v),
    scalar: (x, like) => g.constant(makeConst(type(like).dtype, [], [x]), 'c'),
    constant: (dtype, dims, vals) => g.constant(makeConst(dtype, dims, vals), 'c'),
    ints: (vals) => g.constant(makeConst('int64', [vals.length], vals), 'axes'),
    unbroadcast: (grad, to) => {
      const from = shape(grad);
      const axes = reducedAxes(from, to);
      if (axes.length === 0) return grad;
      const summed = g.op('ReduceSum', [grad, ctx.ints(axes)], { keepdims: i(1) });
      return from.length === to.length ? summed : g.op('Reshape', [summed, ctx.ints([...to])]);
    },
    dyOrZero: (k) => {
      const d = dy[k];
      if (d !== undefined) return d;
      const y = node.outputs[k]!;
      const s = shape(y);
      return g.constant(makeConst(type(y).dtype, s, Array(numel(s)).fill(0)), 'zero');
    },
    fail,
  };
  return ctx;
}

