import type { Tensor } from '@modalflow/core';
import { f64, layerNormRef, linearRef } from './reference.ts';

/**
 * Float64 references used by the fusion node tests. Naive loops on plain arrays, written from
 * the formulas, so they share nothing with the ONNX lowerings they check.
 */

export interface MhaWeights {
  qw: ArrayLike<number>;
  qb?: ArrayLike<number>;
  kw: ArrayLike<number>;
  kb?: ArrayLike<number>;
  vw: ArrayLike<number>;
  vb?: ArrayLike<number>;
  ow: ArrayLike<number>;
  ob?: ArrayLike<number>;
}

export interface MhaArgs {
  x: ArrayLike<number>;
  c: ArrayLike<number>;
  batch: number;
  tq: number;
  tk: number;
  dq: number;
  dc: number;
  dim: number;
  dOut: number;
  heads: number;
  w: MhaWeights;
  /** keep(b, k): whether key k of example b may be attended to. */
  keep?: (b: number, k: number) => boolean;
}

/**
 * A_h = softmax(Q_h K_h^T / sqrt(d_h)) over unmasked keys (masked keys are left out of the sum,
 * not given a large negative score), out = concat_h(A_h V_h) W_O^T + b_O.
 * Returns out [B, Tq, dOut] and the weights [B, H, Tq, Tk].
 */
export function mhaRef(a: MhaArgs): { out: Float64Array; attn: Float64Array } {
  const { batch: B, tq, tk, dim, heads: H } = a;
  const dh = dim / H;
  const q = linearRef(a.x, a.dq, a.w.qw, dim, a.w.qb);
  const k = linearRef(a.c, a.dc, a.w.kw, dim, a.w.kb);
  const v = linearRef(a.c, a.dc, a.w.vw, dim, a.w.vb);
  const attn = new Float64Array(B * H * tq * tk);
  const ctx = new Float64Array(B * tq * dim);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < tq; i++) {
        const s = new Float64Array(tk);
        let m = -Infinity;
        for (let j = 0; j < tk; j++) {
          if (a.keep && !a.keep(b, j)) {
            s[j] = -Infinity;
            continue;
          }
          let acc = 0;
          for (let e = 0; e < dh; e++) acc += q[(b * tq + i) * dim + h * dh + e]! * k[(b * tk + j) * dim + h * dh + e]!;
          s[j] = acc / Math.sqrt(dh);
          m = Math.max(m, s[j]!);
        }
        let z = 0;
        for (let j = 0; j < tk; j++) z += s[j] === -Infinity ? 0 : Math.exp(s[j]! - m);
        for (let j = 0; j < tk; j++) {
          const p = s[j] === -Infinity ? 0 : Math.exp(s[j]! - m) / z;
          attn[((b * H + h) * tq + i) * tk + j] = p;
          for (let e = 0; e < dh; e++) ctx[(b * tq + i) * dim + h * dh + e]! += p * v[(b * tk + j) * dim + h * dh + e]!;
        }
      }
    }
  }
  return { out: linearRef(ctx, dim, a.w.ow, a.dOut, a.w.ob), attn };
}

/** y = LN(x + r) row-wise, or x + r without the norm. */
export function residualRef(
  x: ArrayLike<number>,
  r: ArrayLike<number>,
  d: number,
  ln?: { gamma: ArrayLike<number>; beta: ArrayLike<number>; eps: number },
): Float64Array {
  const s = Float64Array.from({ length: x.length }, (_, k) => x[k]! + r[k]!);
  return ln ? layerNormRef(s, d, ln.gamma, ln.beta, ln.eps) : s;
}

/** Named weights of a run, as float64 arrays. */
export function weights64(w: Record<string, Tensor>): (name: string) => Float64Array {
  return (name) => {
    const t = w[name];
    if (!t) throw new Error(`no weight "${name}" (have ${Object.keys(w).join(', ')})`);
    return f64(t);
  };
}

/**
 * For attention weights laid out with keys on the last axis: the largest |row sum - 1| and
 * the largest weight on a masked key. `masked(row, k)` gets the flat row index.
 */
export function attentionRowStats(
  attn: ArrayLike<number>,
  tk: number,
  masked: (row: number, k: number) => boolean = () => false,
): { sumError: number; maskedMax: number } {
  let sumError = 0;
  let maskedMax = 0;
  for (let r = 0; r < attn.length / tk; r++) {
    let s = 0;
    for (let k = 0; k < tk; k++) {
      const p = attn[r * tk + k]!;
      s += p;
      if (masked(r, k)) maskedMax = Math.max(maskedMax, Math.abs(p));
    }
    sumError = Math.max(sumError, Math.abs(s - 1));
  }
  return { sumError, maskedMax };
}

/** A 0/1 int64 mask [B, T] from a per-example count of leading kept positions. */
export function lengthMask(lengths: number[], t: number): Tensor {
  const data = new BigInt64Array(lengths.length * t);
  lengths.forEach((n, b) => {
    for (let k = 0; k < t; k++) data[b * t + k] = k < n ? 1n : 0n;
  });
  return { dtype: 'int64', dims: [lengths.length, t], data };
}
