import type { Tensor } from '@modalflow/core';

/**
 * Float64 helpers for reference implementations in tests. They are deliberately naive
 * (nested loops over plain arrays) so they share nothing with the ONNX lowering under test.
 */
export type Arr = number[];

export function f64(t: Tensor): Float64Array {
  if (Array.isArray(t.data)) throw new Error('string tensor');
  return Float64Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** Deterministic pseudo-random floats in [-scale, scale) (an LCG, independent of the library's PRNG). */
export function randomTensor(dims: number[], seed = 1, scale = 1): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[k] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return { dtype: 'float32', dims, data };
}

/** y[r, o] = sum_i x[r, i] W[o, i] + b[o] for x flattened to rows of `inp` values. */
export function linearRef(x: ArrayLike<number>, inp: number, w: ArrayLike<number>, out: number, b?: ArrayLike<number>): Float64Array {
  const rows = x.length / inp;
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let acc = b ? b[o]! : 0;
      for (let i = 0; i < inp; i++) acc += x[r * inp + i]! * w[o * inp + i]!;
      y[r * out + o] = acc;
    }
  }
  return y;
}

export function layerNormRef(x: ArrayLike<number>, d: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[r * d + i]!;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[r * d + i]! - mean) ** 2;
    v /= d;
    for (let i = 0; i < d; i++) y[r * d + i] = ((x[r * d + i]! - mean) / Math.sqrt(v + eps)) * gamma[i]! + beta[i]!;
  }
  return y;
}

export function softmaxRef(x: ArrayLike<number>, d: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let m = -Infinity;
    for (let i = 0; i < d; i++) m = Math.max(m, x[r * d + i]!);
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.exp(x[r * d + i]! - m);
    for (let i = 0; i < d; i++) y[r * d + i] = Math.exp(x[r * d + i]! - m) / s;
  }
  return y;
}

/** erf by Abramowitz-Stegun 7.1.26 is too coarse (1e-7 abs) for GELU tests; use a series/continued fraction. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: converges fast for |x| < 2.5 in double precision.
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc at larger |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

export const act: Record<string, (v: number) => number> = {
  identity: (v) => v,
  relu: (v) => Math.max(0, v),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  silu: (v) => v / (1 + Math.exp(-v)),
  quick_gelu: (v) => v / (1 + Math.exp(-1.702 * v)),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  gelu_tanh: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
};

/** Max abs difference over the largest reference magnitude: robust to values near zero. */
export function relError(actual: ArrayLike<number | bigint>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < expected.length; k++) {
    diff = Math.max(diff, Math.abs(Number(actual[k]) - expected[k]!));
    scale = Math.max(scale, Math.abs(expected[k]!));
  }
  return diff / Math.max(scale, 1e-12);
}
