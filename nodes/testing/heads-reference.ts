import { analyzeGraph, type AnyNodeDef, type Problem, type Tensor } from '@modalflow/core';
import { registryWith, singleNodeGraph } from './index.ts';

/**
 * Test support for the heads, losses and reasoning nodes: random weights for every declared
 * weight (seeded LayerNorm ones and zero biases would hide mistakes), shape-only analysis, and
 * float64 helpers written from the formulas with naive loops.
 */

export { randomWeights } from './run-node.ts';

/** A tensor that only carries dtype and shape, for analysis. */
export function shapeOnly(dims: number[], dtype: Tensor['dtype'] = 'float32'): Tensor {
  return { dtype, dims, data: new Float32Array(0) };
}

/** Analyses the one-node graph; returns its problems and the node's info. */
export function analyzeNode(def: AnyNodeDef, inputs: Record<string, Tensor>, params: Record<string, unknown> = {}) {
  const a = analyzeGraph(singleNodeGraph(def, { inputs, params }), registryWith(def));
  return { problems: a.problems.filter((p: Problem) => p.severity === 'error'), info: a.nodes.get('n')!, analysis: a };
}

export function int64(dims: number[], values: number[]): Tensor {
  return { dtype: 'int64', dims, data: BigInt64Array.from(values, (v) => BigInt(v)) };
}

export function float32(dims: number[], values: number[]): Tensor {
  return { dtype: 'float32', dims, data: Float32Array.from(values) };
}

/** log softmax of each row of `d` values. */
export function logSoftmaxRef(x: ArrayLike<number>, d: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let m = -Infinity;
    for (let c = 0; c < d; c++) m = Math.max(m, x[r * d + c]!);
    let s = 0;
    for (let c = 0; c < d; c++) s += Math.exp(x[r * d + c]! - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < d; c++) y[r * d + c] = x[r * d + c]! - lse;
  }
  return y;
}
