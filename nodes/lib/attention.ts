import { linearBound, type Dim, type WeightSpec } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import type { OnnxGraph } from './lowering.ts';
import { linear } from './ops.ts';

/**
 * Scaled dot-product multi-head attention, shared by every node that attends (transformer
 * layers, cross-attention, co-attention, LXMERT's cross-modality layer):
 *   Q = X W_Q^T + b_Q,  K = C W_K^T + b_K,  V = C W_V^T + b_V
 *   A_h = softmax(Q_h K_h^T / sqrt(d_h) + M),  Y = concat_h(A_h V_h) W_O^T + b_O
 * Weight names follow Hugging Face CLIP/BART (`q_proj`, `k_proj`, `v_proj`, `out_proj`).
 */

/** Masked keys get this added before the softmax: exp underflows to exactly 0 in float32. */
export const MASK_VALUE = -1e9;

export function attentionWeightSpecs(
  prefix: string,
  dQuery: number,
  dContext: number,
  dim: number,
  bias = true,
): Record<string, WeightSpec> {
  const out: Record<string, WeightSpec> = {};
  const add = (name: string, o: number, inp: number) => {
    out[`${prefix}${name}.weight`] = { shape: [o, inp], init: { kind: 'uniform', bound: linearBound(inp) } };
    if (bias) out[`${prefix}${name}.bias`] = { shape: [o], init: { kind: 'uniform', bound: linearBound(inp) } };
  };
  add('q_proj', dim, dQuery);
  add('k_proj', dim, dContext);
  add('v_proj', dim, dContext);
  add('out_proj', dQuery === dim ? dim : dQuery, dim);
  return out;
}

export interface AttentionArgs {
  query: string;
  context: string;
  dim: number;
  heads: number;
  /** Initializer names by weight name (as produced by attentionWeightSpecs). */
  w: Record<string, string>;
  prefix: string;
  /** Key padding mask [B, Tk]: 1 (or true) keeps a key, 0 hides it. */
  keyMask?: string;
  /** Hide keys after the query's own position (autoregressive text, as in CLIP). */
  causal?: boolean;
}

/** Converts a [B, Tk] keep-mask of any dtype into an additive [B, 1, 1, Tk] float mask. */
export function additiveKeyMask(g: OnnxGraph, mask: string): string {
  const keep = g.op('Cast', [mask], { to: i(1) });
  const hidden = g.op('Sub', [g.scalarFloat(1), keep]);
  const add = g.op('Mul', [hidden, g.scalarFloat(MASK_VALUE)]);
  return g.op('Unsqueeze', [add, g.constInt64([1, 2])]);
}

/** [Tq, Tk] additive mask with MASK_VALUE above the diagonal, sized from the scores at run time. */
function causalMask(g: OnnxGraph, scores: string): string {
  const shape = g.op('Shape', [scores], { start: i(-2) });
  const ones = g.op('ConstantOfShape', [shape], {
    value: { kind: 'tensor', value: { dtype: 'float32', dims: [1], data: Float32Array.of(1) } },
  });
  const upper = g.op('Trilu', [ones, g.scalarInt64(1)], { upper: i(1) });
  return g.op('Mul', [upper, g.scalarFloat(MASK_VALUE)]);
}

function splitHeads(g: OnnxGraph, x: string, heads: number, headDim: number, perm: number[]): string {
  const r = g.op('Reshape', [x, g.constInt64([0, 0, heads, headDim])]);
  return g.op('Transpose', [r], { perm: ints(perm) });
}

export function multiHeadAttention(g: OnnxGraph, a: AttentionArgs): { out: string; weights: string } {
  const { w, prefix: p, heads, dim } = a;
  if (dim % heads !== 0) throw new Error(`width ${dim} is not divisible by ${heads} heads`);
  const dh = dim / heads;
  const q = linear(g, a.query, w[`${p}q_proj.weight`]!, w[`${p}q_proj.bias`]);
  const k = linear(g, a.context, w[`${p}k_proj.weight`]!, w[`${p}k_proj.bias`]);
  const v = linear(g, a.context, w[`${p}v_proj.weight`]!, w[`${p}v_proj.bias`]);
  const qh = splitHeads(g, q, heads, dh, [0, 2, 1, 3]); // [B, H, Tq, dh]
  const kt = splitHeads(g, k, heads, dh, [0, 2, 3, 1]); // [B, H, dh, Tk]
  const vh = splitHeads(g, v, heads, dh, [0, 2, 1, 3]); // [B, H, Tk, dh]
  let scores = g.op('Mul', [g.op('MatMul', [qh, kt]), g.scalarFloat(1 / Math.sqrt(dh))]);
  if (a.keyMask) scores = g.op('Add', [scores, additiveKeyMask(g, a.keyMask)]);
  if (a.causal) scores = g.op('Add', [scores, causalMask(g, scores)]);
  const weights = g.op('Softmax', [scores], { axis: i(-1) });
  const ctx = g.op('Transpose', [g.op('MatMul', [weights, vh])], { perm: ints([0, 2, 1, 3]) });
  const merged = g.op('Reshape', [ctx, g.constInt64([0, 0, dim])]);
  const out = linear(g, merged, w[`${p}out_proj.weight`]!, w[`${p}out_proj.bias`]);
  return { out, weights };
}

/** FLOPs of one attention call: projections, scores, weighted sum and output projection. */
export function attentionFlops(
  size: (d: Dim) => number,
  batch: Dim,
  tq: Dim,
  tk: Dim,
  dQuery: number,
  dContext: number,
  dim: number,
  heads: number,
): number {
  const b = size(batch);
  const nq = b * size(tq);
  const nk = b * size(tk);
  const proj = 2 * nq * dQuery * dim + 2 * 2 * nk * dContext * dim + 2 * nq * dim * dQuery;
  const scores = 2 * b * size(tq) * size(tk) * dim;
  const softmax = 5 * b * heads * size(tq) * size(tk);
  return proj + 2 * scores + softmax;
}

