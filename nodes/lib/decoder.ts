import { linearBound, type WeightSpec } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import type { OnnxGraph } from './lowering.ts';
import { layerNorm, linear, type Activation } from './ops.ts';
import { MASK_VALUE, multiHeadAttention } from './attention.ts';
import { feedForward, layerNormSpecs, residual, transformerLayer, transformerLayerSpecs, type LayerConfig, type NormPlacement } from './transformer.ts';

/**
 * A transformer decoder (Vaswani et al. 2017; GPT-2 / BART layer order):
 *   h_0 = E[w_t] + P[t]
 *   each layer: causal self-attention, [cross-attention to the encoder states], FFN,
 *   each sublayer pre- or post-norm as in lib/transformer.ts
 *   logits = LN_f(h_L) W^T, with W = E when the embeddings are tied
 * Two lowerings of the same weights: the whole sequence at once (teacher forcing, training)
 * and one step over a key/value cache (generation), which must agree to rounding.
 */

export interface DecoderParams {
  vocab: number;
  dim: number;
  layers: number;
  heads: number;
  mlp_dim: number;
  max_positions: number;
  norm: NormPlacement;
  activation: Activation;
  eps: number;
  tie_embeddings: boolean;
}

export function decoderLayerConfig(p: DecoderParams, crossDim: number | undefined): LayerConfig {
  return { dim: p.dim, heads: p.heads, mlpDim: p.mlp_dim, activation: p.activation, norm: p.norm, eps: p.eps, causal: true, crossDim };
}

/** Weight names follow Hugging Face BART/Whisper decoders for the embeddings and CLIP layers inside. */
export function decoderWeightSpecs(p: DecoderParams, crossDim: number | undefined): Record<string, WeightSpec> {
  // GPT-2 and BART draw embeddings with std 0.02; uniform(±0.02·√3) has the same variance.
  const init = { kind: 'uniform' as const, bound: 0.02 * Math.sqrt(3) };
  const out: Record<string, WeightSpec> = {
    'embed_tokens.weight': { shape: [p.vocab, p.dim], init },
    'embed_positions.weight': { shape: [p.max_positions, p.dim], init },
  };
  const c = decoderLayerConfig(p, crossDim);
  for (let l = 0; l < p.layers; l++) Object.assign(out, transformerLayerSpecs(`layers.${l}.`, c));
  if (p.norm === 'pre') Object.assign(out, layerNormSpecs('final_layer_norm.', p.dim));
  if (!p.tie_embeddings) out['lm_head.weight'] = { shape: [p.vocab, p.dim], init: { kind: 'uniform', bound: linearBound(p.dim) } };
  return out;
}

function embed(g: OnnxGraph, ids: string, w: Record<string, string>, start: string, len: string): string {
  const tokens = g.op('Gather', [w['embed_tokens.weight']!, ids], { axis: i(0) });
  const positions = g.op('Slice', [w['embed_positions.weight']!, start, g.op('Add', [start, len]), g.constInt64([0])]);
  return g.op('Add', [tokens, positions]);
}

function head(g: OnnxGraph, h: string, w: Record<string, string>, p: DecoderParams): string {
  const last = p.norm === 'pre' ? layerNorm(g, h, w['final_layer_norm.weight']!, w['final_layer_norm.bias']!, p.eps) : h;
  return linear(g, last, p.tie_embeddings ? w['embed_tokens.weight']! : w['lm_head.weight']!);
}

/** Logits [B, T, vocab] of every position at once, each seeing only itself and earlier ones. */
export function lowerDecoder(g: OnnxGraph, ids: string, memory: string | undefined, w: Record<string, string>, p: DecoderParams, crossDim?: number): string {
  const len = g.op('Shape', [ids], { start: i(1), end: i(2) });
  let h = embed(g, ids, w, g.constInt64([0]), len);
  const c = decoderLayerConfig(p, crossDim);
  for (let l = 0; l < p.layers; l++) h = transformerLayer(g, w, `layers.${l}.`, c, h, memory ? { context: memory } : {}).y;
  return head(g, h, w, p);
}

function heads(g: OnnxGraph, x: string, n: number, dh: number): string {
  const r = g.op('Reshape', [x, g.constInt64([0, 0, n, dh])]);
  return g.op('Transpose', [r], { perm: ints([0, 2, 1, 3]) });
}

/**
 * Causal self-attention of t new tokens over P cached ones: the cache grows by the new keys and
 * values, and new token i (position P + i) sees cached keys and new keys up to itself.
 */
function cachedSelfAttention(
  g: OnnxGraph, h: string, w: Record<string, string>, prefix: string, p: DecoderParams, past: { key: string; value: string },
  pastLen: string,
): { out: string; key: string; value: string } {
  const dh = p.dim / p.heads;
  const q = heads(g, linear(g, h, w[`${prefix}q_proj.weight`]!, w[`${prefix}q_proj.bias`]), p.heads, dh);
  const k = heads(g, linear(g, h, w[`${prefix}k_proj.weight`]!, w[`${prefix}k_proj.bias`]), p.heads, dh);
  const v = heads(g, linear(g, h, w[`${prefix}v_proj.weight`]!, w[`${prefix}v_proj.bias`]), p.heads, dh);
  const key = g.op('Concat', [past.key, k], { axis: i(2) });
  const value = g.op('Concat', [past.value, v], { axis: i(2) });
  const kt = g.op('Transpose', [key], { perm: ints([0, 1, 3, 2]) });
  let scores = g.op('Mul', [g.op('MatMul', [q, kt]), g.scalarFloat(1 / Math.sqrt(dh))]);
  // Trilu keeps j - i >= k: with k = P + 1 that is exactly the keys after the query's position.
  const ones = g.op('ConstantOfShape', [g.op('Shape', [scores], { start: i(-2) })], {
    value: { kind: 'tensor', value: { dtype: 'float32', dims: [1], data: Float32Array.of(1) } },
  });
  const offset = g.op('Squeeze', [g.op('Add', [pastLen, g.constInt64([1])]), g.constInt64([0])]);
  const future = g.op('Trilu', [ones, offset], { upper: i(1) });
  scores = g.op('Add', [scores, g.op('Mul', [future, g.scalarFloat(MASK_VALUE)])]);
  const weights = g.op('Softmax', [scores], { axis: i(-1) });
  const ctx = g.op('Transpose', [g.op('MatMul', [weights, value])], { perm: ints([0, 2, 1, 3]) });
  const merged = g.op('Reshape', [ctx, g.constInt64([0, 0, p.dim])]);
  return { out: linear(g, merged, w[`${prefix}out_proj.weight`]!, w[`${prefix}out_proj.bias`]), key, value };
}

/**
 * Each layer's cross-attention keys and values [B, heads, S, dh] from the encoder states, as
 * multiHeadAttention projects them: fixed while a sequence is written, so computed once.
 */
export function lowerCrossKeyValues(g: OnnxGraph, memory: string, w: Record<string, string>, p: DecoderParams): { key: string; value: string }[] {
  const dh = p.dim / p.heads;
  return Array.from({ length: p.layers }, (_, l) => {
    const pre = `layers.${l}.cross_attn.`;
    return {
      key: heads(g, linear(g, memory, w[`${pre}k_proj.weight`]!, w[`${pre}k_proj.bias`]), p.heads, dh),
      value: heads(g, linear(g, memory, w[`${pre}v_proj.weight`]!, w[`${pre}v_proj.bias`]), p.heads, dh),
    };
  });
}

/** Cross-attention of the new tokens over precomputed keys and values [B, heads, S, dh]. */
function cachedCrossAttention(g: OnnxGraph, h: string, w: Record<string, string>, prefix: string, p: DecoderParams, kv: { key: string; value: string }): string {
  const dh = p.dim / p.heads;
  const q = heads(g, linear(g, h, w[`${prefix}q_proj.weight`]!, w[`${prefix}q_proj.bias`]), p.heads, dh);
  const kt = g.op('Transpose', [kv.key], { perm: ints([0, 1, 3, 2]) });
  const scores = g.op('Mul', [g.op('MatMul', [q, kt]), g.scalarFloat(1 / Math.sqrt(dh))]);
  const weights = g.op('Softmax', [scores], { axis: i(-1) });
  const ctx = g.op('Transpose', [g.op('MatMul', [weights, kv.value])], { perm: ints([0, 2, 1, 3]) });
  const merged = g.op('Reshape', [ctx, g.constInt64([0, 0, p.dim])]);
  return linear(g, merged, w[`${prefix}out_proj.weight`]!, w[`${prefix}out_proj.bias`]);
}

/**
 * One decoding step: logits of the new tokens and every layer's grown cache. Cross-attention
 * reads `cross` (keys and values computed once per sequence) when given, else projects `memory`.
 */
export function lowerDecoderStep(
  g: OnnxGraph, ids: string, memory: string | undefined, w: Record<string, string>, p: DecoderParams,
  past: { key: string; value: string }[], cross?: { key: string; value: string }[],
): { logits: string; present: { key: string; value: string }[] } {
  const pastLen = g.op('Shape', [past[0]!.key], { start: i(2), end: i(3) });
  const len = g.op('Shape', [ids], { start: i(1), end: i(2) });
  let h = embed(g, ids, w, pastLen, len);
  const present: { key: string; value: string }[] = [];
  for (let l = 0; l < p.layers; l++) {
    const pre = `layers.${l}.`;
    let kv = { key: '', value: '' };
    h = residual(g, h, w, `${pre}layer_norm1.`, p.norm, p.eps, (x) => {
      const r = cachedSelfAttention(g, x, w, `${pre}self_attn.`, p, past[l]!, pastLen);
      kv = { key: r.key, value: r.value };
      return r.out;
    });
    present.push(kv);
    if (cross) {
      h = residual(g, h, w, `${pre}layer_norm_cross.`, p.norm, p.eps, (x) => cachedCrossAttention(g, x, w, `${pre}cross_attn.`, p, cross[l]!));
    } else if (memory) {
      h = residual(g, h, w, `${pre}layer_norm_cross.`, p.norm, p.eps, (x) =>
        multiHeadAttention(g, { query: x, context: memory, dim: p.dim, heads: p.heads, w, prefix: `${pre}cross_attn.` }).out,
      );
    }
    h = residual(g, h, w, `${pre}layer_norm2.`, p.norm, p.eps, (x) => feedForward(g, x, w, `${pre}mlp.fc1.`, `${pre}mlp.fc2.`, p.activation));
  }
  return { logits: head(g, h, w, p), present };
}
