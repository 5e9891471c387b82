import type { Tensor } from '@modalflow/core';
import { act, f64, layerNormRef, linearRef } from './index.ts';

/**
 * Float64 references of attention and transformer layers for the tests of the nodes built on
 * lib/transformer.ts and lib/attention.ts. Naive loops, written from the formulas, sharing
 * nothing with the ONNX lowering under test.
 */

/** Looks a weight up by its short name, as float64. */
export type Getter = (name: string) => Float64Array;

export function getter(weights: Record<string, Tensor>, prefix = ''): Getter {
  return (name) => {
    const t = weights[`${prefix}${name}`];
    if (!t) throw new Error(`no weight "${prefix}${name}"`);
    return f64(t);
  };
}

export interface MhaRefOptions {
  /** [B * Tk] keep-mask: 0 hides a key. */
  keyMask?: ArrayLike<number>;
  causal?: boolean;
}

/**
 * softmax(Q K^T / sqrt(dh)) V per head, with hidden keys excluded from the softmax (weight 0).
 * `get` resolves `q_proj.weight`, ..., `out_proj.bias`.
 */
export function mhaRef(
  xq: ArrayLike<number>, ctx: ArrayLike<number>, B: number, Tq: number, Tk: number, dq: number, dc: number,
  dim: number, heads: number, get: Getter, o: MhaRefOptions = {},
): { out: Float64Array; weights: Float64Array } {
  const q = linearRef(xq, dq, get('q_proj.weight'), dim, get('q_proj.bias'));
  const k = linearRef(ctx, dc, get('k_proj.weight'), dim, get('k_proj.bias'));
  const v = linearRef(ctx, dc, get('v_proj.weight'), dim, get('v_proj.bias'));
  const dh = dim / heads;
  const weights = new Float64Array(B * heads * Tq * Tk);
  const merged = new Float64Array(B * Tq * dim);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < Tq; i++) {
        const s = new Float64Array(Tk);
        const keep: boolean[] = [];
        let m = -Infinity;
        for (let j = 0; j < Tk; j++) {
          keep[j] = (!o.keyMask || o.keyMask[b * Tk + j] !== 0) && (!o.causal || j <= i);
          let acc = 0;
          for (let e = 0; e < dh; e++) acc += q[(b * Tq + i) * dim + h * dh + e]! * k[(b * Tk + j) * dim + h * dh + e]!;
          s[j] = acc / Math.sqrt(dh);
          if (keep[j]) m = Math.max(m, s[j]!);
        }
        let z = 0;
        for (let j = 0; j < Tk; j++) z += keep[j] ? Math.exp(s[j]! - m) : 0;
        for (let j = 0; j < Tk; j++) {
          const a = keep[j] ? Math.exp(s[j]! - m) / z : 0;
          weights[((b * heads + h) * Tq + i) * Tk + j] = a;
          for (let e = 0; e < dh; e++) {
            const at = (b * Tq + i) * dim + h * dh + e;
            merged[at] = merged[at]! + a * v[(b * Tk + j) * dim + h * dh + e]!;
          }
        }
      }
    }
  }
  const out = linearRef(merged, dim, get('out_proj.weight'), dq, get('out_proj.bias'));
  return { out, weights };
}

export function add(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v, k) => v + b[k]!);
}

export function lnRef(x: ArrayLike<number>, d: number, get: Getter, prefix: string, eps: number): Float64Array {
  return layerNormRef(x, d, get(`${prefix}weight`), get(`${prefix}bias`), eps);
}

export function ffnRef(x: ArrayLike<number>, d: number, hidden: number, get: Getter, fc1: string, fc2: string, activation: string): Float64Array {
  const h = linearRef(x, d, get(`${fc1}weight`), hidden, get(`${fc1}bias`)).map(act[activation]!);
  return linearRef(h, hidden, get(`${fc2}weight`), d, get(`${fc2}bias`));
}

export interface LayerRefConfig {
  dim: number;
  heads: number;
  mlpDim: number;
  activation: string;
  norm: 'pre' | 'post';
  eps: number;
  causal?: boolean;
}

/** One CLIP-named transformer layer under `prefix`, over x [B, T, dim]. */
export function layerRef(
  x: ArrayLike<number>, B: number, T: number, c: LayerRefConfig, get: Getter, prefix: string, keyMask?: ArrayLike<number>,
): { y: Float64Array; attn: Float64Array } {
  const sub = (name: string): Getter => (n) => get(`${prefix}${name}${n}`);
  const attend = (h: ArrayLike<number>) =>
    mhaRef(h, h, B, T, T, c.dim, c.dim, c.dim, c.heads, sub('self_attn.'), { keyMask, causal: c.causal });
  const ffn = (h: ArrayLike<number>) => ffnRef(h, c.dim, c.mlpDim, get, `${prefix}mlp.fc1.`, `${prefix}mlp.fc2.`, c.activation);
  const ln = (h: ArrayLike<number>, n: string) => lnRef(h, c.dim, get, `${prefix}${n}.`, c.eps);
  if (c.norm === 'pre') {
    const a = attend(ln(x, 'layer_norm1'));
    const h = add(x, a.out);
    return { y: add(h, ffn(ln(h, 'layer_norm2'))), attn: a.weights };
  }
  const a = attend(x);
  const h = ln(add(x, a.out), 'layer_norm1');
  return { y: ln(add(h, ffn(h)), 'layer_norm2'), attn: a.weights };
}

export { randomWeights } from './run-node.ts';
