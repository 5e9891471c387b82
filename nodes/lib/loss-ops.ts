import { NodeError, type Dim, type Shape } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import type { OnnxGraph } from './lowering.ts';

/**
 * Lowering and shape helpers shared by the loss nodes (and the heads and reasoning nodes
 * that need a reduction or a log-sum-exp). Opset 17 takes ReduceSum's axes as an input but
 * ReduceMean/ReduceMax's as an attribute; these wrappers hide that difference.
 */

/** Sum over `axes` (all axes when omitted). */
export function reduceSum(g: OnnxGraph, x: string, axes?: readonly number[], keepdims = false): string {
  const inputs = axes ? [x, g.constInt64(axes)] : [x];
  return g.op('ReduceSum', inputs, { keepdims: i(keepdims ? 1 : 0) });
}

/** Mean over `axes` (all axes when omitted). */
export function reduceMean(g: OnnxGraph, x: string, axes?: readonly number[], keepdims = false): string {
  return g.op('ReduceMean', [x], axes ? { axes: ints(axes), keepdims: i(keepdims ? 1 : 0) } : { keepdims: i(keepdims ? 1 : 0) });
}

/** log Σ exp over one axis, shifted by the maximum so large logits do not overflow. */
export function logSumExp(g: OnnxGraph, x: string, axis: number, keepdims = false): string {
  const m = g.op('ReduceMax', [x], { axes: ints([axis]), keepdims: i(1) });
  const s = reduceSum(g, g.op('Exp', [g.op('Sub', [x, m])]), [axis], true);
  const out = g.op('Add', [g.op('Log', [s]), m]);
  return keepdims ? out : g.op('Squeeze', [out, g.constInt64([axis])]);
}

/** Casts a keep-mask of any dtype (bool, int, float) to float32 0/1. */
export function maskToFloat(g: OnnxGraph, mask: string): string {
  return g.op('Cast', [g.op('Cast', [mask], { to: i(9) })], { to: i(1) });
}

/**
 * Σ values / max(Σ weights, 1): a mean over the kept entries that is 0, not NaN, when a batch
 * happens to keep none (a batch without masked tokens must not poison training).
 */
export function weightedMean(g: OnnxGraph, values: string, weights: string): string {
  const num = reduceSum(g, g.op('Mul', [values, weights]));
  const den = g.op('Max', [reduceSum(g, weights), g.scalarFloat(1)]);
  return g.op('Div', [num, den]);
}

/**
 * Per-example cross-entropy for logits [..., C] and integer targets [...], as
 * torch.nn.functional.cross_entropy(reduction='none'):
 *   l = (1 - ε)(-log p_y) + ε · mean_c(-log p_c),  p = softmax(logits)
 * With `ignoreIndex`, entries whose target equals it get l = 0, and `valid` (float 0/1) says
 * which entries count.
 */
export function crossEntropyTerms(
  g: OnnxGraph,
  logits: string,
  targets: string,
  opts: { smoothing?: number; ignoreIndex?: number } = {},
): { losses: string; valid?: string } {
  const logp = g.op('LogSoftmax', [logits], { axis: i(-1) });
  const t = g.op('Cast', [targets], { to: i(7) });
  let index = t;
  let valid: string | undefined;
  if (opts.ignoreIndex !== undefined) {
    const keep = g.op('Not', [g.op('Equal', [t, g.scalarInt64(opts.ignoreIndex)])]);
    // An ignored target (say -100) is no valid index: gather class 0 instead and zero it below.
    index = g.op('Where', [keep, t, g.scalarInt64(0)]);
    valid = g.op('Cast', [keep], { to: i(1) });
  }
  const picked = g.op('GatherElements', [logp, g.op('Unsqueeze', [index, g.constInt64([-1])])], { axis: i(-1) });
  let nll = g.op('Neg', [g.op('Squeeze', [picked, g.constInt64([-1])])]);
  const eps = opts.smoothing ?? 0;
  if (eps > 0) {
    const smooth = g.op('Neg', [reduceMean(g, logp, [-1])]);
    nll = g.op('Add', [g.op('Mul', [nll, g.scalarFloat(1 - eps)]), g.op('Mul', [smooth, g.scalarFloat(eps)])]);
  }
  return valid ? { losses: g.op('Mul', [nll, valid]), valid } : { losses: nll };
}

/** Throws unless `b` has exactly the dims of `a` where both are known; names port `bPort`. */
export function checkSameShape(a: Shape, b: Shape, aPort: string, bPort: string): void {
  if (a.length !== b.length) {
    throw new NodeError(`"${bPort}" has rank ${b.length} but "${aPort}" has rank ${a.length}; they must have the same shape`, { port: bPort });
  }
  checkLeading(a, b, aPort, bPort, a.length);
}

/** Throws unless the first `n` axes of `b` agree with those of `a` where both are known. */
export function checkLeading(a: Shape, b: Shape, aPort: string, bPort: string, n: number): void {
  for (let k = 0; k < n; k++) {
    const x: Dim | undefined = a[k];
    const y: Dim | undefined = b[k];
    if (typeof x === 'number' && typeof y === 'number' && x !== y) {
      throw new NodeError(`"${bPort}" axis ${k} is ${y} but "${aPort}" axis ${k} is ${x}`, { port: bPort });
    }
  }
}

/** Product of the sizes of a shape for cost estimates. */
export function elements(shape: readonly Dim[], size: (d: Dim) => number): number {
  return shape.reduce<number>((a, d) => a * size(d), 1);
}

/** x / max(||x||_2, 1e-12) over the last axis, as torch.nn.functional.normalize. */
export function l2Normalize(g: OnnxGraph, x: string): string {
  const norm = g.op('ReduceL2', [x], { axes: ints([-1]), keepdims: i(1) });
  return g.op('Div', [x, g.op('Max', [norm, g.scalarFloat(1e-12)])]);
}
