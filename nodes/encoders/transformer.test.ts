import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { getter, layerRef, lnRef, randomWeights, type LayerRefConfig } from '../lib/transformer-reference.ts';
import transformer from './transformer.ts';

const shapeOnly = (dims: number[], dtype: Tensor['dtype'] = 'float32'): Tensor => ({ dtype, dims, data: new Float32Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(transformer, { params, inputs }), registryWith(transformer));
  return { a, n: a.nodes.get('n')! };
}

function mask(rows: number[][]): Tensor {
  return { dtype: 'int64', dims: [rows.length, rows[0]!.length], data: BigInt64Array.from(rows.flat(), BigInt) };
}

/** The node's formula layer by layer, in float64. */
function stackRef(x: Tensor, weights: Record<string, Tensor>, c: LayerRefConfig, layers: number, o: { pre?: boolean; final?: boolean; keyMask?: number[] }) {
  const [B, T] = x.dims as [number, number];
  const get = getter(weights);
  let h: ArrayLike<number> = f64(x);
  if (o.pre) h = lnRef(h, c.dim, get, 'pre_layrnorm.', c.eps);
  let attn: Float64Array = new Float64Array(0);
  for (let k = 0; k < layers; k++) ({ y: h, attn } = layerRef(h, B, T, c, get, `layers.${k}.`, o.keyMask));
  if (o.final) h = lnRef(h, c.dim, get, 'final_layer_norm.', c.eps);
  return { y: Float64Array.from(h), attn };
}

function rowSums(attn: Float64Array, tk: number): number[] {
  const sums: number[] = [];
  for (let r = 0; r < attn.length / tk; r++) sums.push(attn.slice(r * tk, (r + 1) * tk).reduce((a, b) => a + b, 0));
  return sums;
}

describe('encoder.transformer', () => {
  it('matches a float64 pre-LN stack (CLIP layout, pre and final norms, padding mask)', async () => {
    const params = { layers: 2, dim: 8, heads: 2, mlp_dim: 16, activation: 'quick_gelu', norm: 'pre', eps: 1e-5, pre_norm: true, final_norm: true };
    const x = randomTensor([2, 4, 8], 3);
    const m = [[1, 1, 1, 1], [1, 1, 0, 0]];
    const inputs = { x, mask: mask(m) };
    const weights = randomWeights(transformer, { params, inputs });
    const { outputs } = await runNode(transformer, { params, inputs, weights });
    const cfg: LayerRefConfig = { dim: 8, heads: 2, mlpDim: 16, activation: 'quick_gelu', norm: 'pre', eps: 1e-5 };
    const ref = stackRef(x, weights, cfg, 2, { pre: true, final: true, keyMask: m.flat() });
    expect(outputs['y']!.dims).toEqual([2, 4, 8]);
    expect(outputs['attn']!.dims).toEqual([2, 2, 4, 4]);
    expect(relError(f64(outputs['y']!), ref.y)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), ref.attn)).toBeLessThanOrEqual(1e-5);
  });

  it('matches a float64 post-LN stack (BERT layout)', async () => {
    const params = { layers: 2, dim: 8, heads: 2, mlp_ratio: 3, activation: 'gelu', norm: 'post', eps: 1e-12 };
    const x = randomTensor([2, 3, 8], 5);
    const weights = randomWeights(transformer, { params, inputs: { x } }, 9);
    const { outputs } = await runNode(transformer, { params, inputs: { x }, weights });
    expect(weights['layers.0.mlp.fc1.weight']!.dims).toEqual([24, 8]);
    const cfg: LayerRefConfig = { dim: 8, heads: 2, mlpDim: 24, activation: 'gelu', norm: 'post', eps: 1e-12 };
    const ref = stackRef(x, weights, cfg, 2, {});
    expect(relError(f64(outputs['y']!), ref.y)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), ref.attn)).toBeLessThanOrEqual(1e-5);
  });

  it('gives padded keys exactly zero weight and rows that sum to 1', async () => {
    const params = { layers: 1, dim: 8, heads: 2, mlp_dim: 8, activation: 'relu', norm: 'post' };
    const m = [[1, 0, 1, 1, 0], [1, 1, 1, 1, 1]];
    const { outputs } = await runNode(transformer, {
      params, inputs: { x: randomTensor([2, 5, 8], 8, 2), mask: { dtype: 'bool', dims: [2, 5], data: Uint8Array.from(m.flat()) } },
    });
    const a = f64(outputs['attn']!);
    for (const s of rowSums(a, 5)) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 5; i++) {
        for (const j of [1, 4]) expect(a[(h * 5 + i) * 5 + j]).toBe(0);
        for (const j of [0, 2, 3]) expect(a[(h * 5 + i) * 5 + j]).toBeGreaterThan(0);
      }
    }
  });

  it('with causal on, a later token changes nothing before it', async () => {
    const params = { layers: 2, dim: 8, heads: 2, mlp_dim: 16, causal: true, final_norm: true };
    const x1 = randomTensor([1, 4, 8], 21);
    const x2 = randomTensor([1, 4, 8], 21);
    const d2 = x2.data as Float32Array;
    // Not a uniform shift: layer norm would cancel that.
    for (let e = 0; e < 8; e++) d2[3 * 8 + e] = d2[3 * 8 + e]! + 0.4 * e;
    const r1 = await runNode(transformer, { params, inputs: { x: x1 } });
    const r2 = await runNode(transformer, { params, inputs: { x: x2 } });
    const y1 = f64(r1.outputs['y']!);
    const y2 = f64(r2.outputs['y']!);
    for (let k = 0; k < 3 * 8; k++) expect(Math.abs(y1[k]! - y2[k]!)).toBeLessThan(1e-6);
    expect(relError(y1.slice(24), y2.slice(24))).toBeGreaterThan(1e-3);
    const a = f64(r1.outputs['attn']!);
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(a[(h * 4 + i) * 4 + j]).toBe(0);
    }
    for (const s of rowSums(a, 4)) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    const cfg: LayerRefConfig = { dim: 8, heads: 2, mlpDim: 16, activation: 'quick_gelu', norm: 'pre', eps: 1e-5, causal: true };
    const ref = stackRef(x1, r1.weights, cfg, 2, { final: true });
    expect(relError(y1, ref.y)).toBeLessThanOrEqual(1e-5);
  });

  it('counts 7,087,872 parameters per ViT-B/32 layer and 12x that for the CLIP vision stack', () => {
    const x = shapeOnly([1, 50, 768]);
    const one = analyze({ layers: 1, dim: 768, heads: 12, mlp_dim: 3072 }, { x });
    expect(one.a.ok).toBe(true);
    expect(one.n.paramCount).toBe(7_087_872);
    const stack = analyze({ layers: 12 }, { x });
    expect(stack.n.paramCount).toBe(12 * 7_087_872);
    // CLIP's vision tower adds `pre_layrnorm` (2 x 768) in front of the stack.
    expect(analyze({ layers: 12, pre_norm: true }, { x }).n.paramCount).toBe(12 * 7_087_872 + 1536);
    expect(stack.n.flops).toBe(12 * one.n.flops);
    // CLIP text tower: 12 layers of width 512, 8 heads, MLP 2048, and a final norm.
    const text = analyze({ layers: 12, dim: 512, heads: 8, causal: true, final_norm: true }, { x: shapeOnly([1, 77, 512]) });
    expect(text.n.paramCount).toBe(12 * (4 * (512 * 512 + 512) + 2 * 512 * 2048 + 2048 + 512 + 4 * 512) + 1024);
  });

  it('names HF CLIP encoder weights', () => {
    const { n } = analyze({ layers: 2, dim: 8, heads: 2, pre_norm: true, final_norm: true }, { x: shapeOnly([1, 3, 8]) });
    expect(Object.keys(n.weights)).toEqual([
      'pre_layrnorm.weight', 'pre_layrnorm.bias',
      ...[0, 1].flatMap((k) => [
        ...['q_proj', 'k_proj', 'v_proj', 'out_proj'].flatMap((p) => [`layers.${k}.self_attn.${p}.weight`, `layers.${k}.self_attn.${p}.bias`]),
        `layers.${k}.layer_norm1.weight`, `layers.${k}.layer_norm1.bias`,
        `layers.${k}.mlp.fc1.weight`, `layers.${k}.mlp.fc1.bias`, `layers.${k}.mlp.fc2.weight`, `layers.${k}.mlp.fc2.bias`,
        `layers.${k}.layer_norm2.weight`, `layers.${k}.layer_norm2.bias`,
      ]),
      'final_layer_norm.weight', 'final_layer_norm.bias',
    ]);
    expect(n.weights['layers.0.mlp.fc1.weight']!.shape).toEqual([32, 8]);
  });

  it('rejects a width other than dim, a mismatched mask and heads that do not divide dim', () => {
    const wide = analyze({ dim: 8, heads: 2 }, { x: shapeOnly([1, 3, 6]) });
    const p1 = wide.a.problems.find((p) => p.code === 'MF_SHAPE_MISMATCH');
    expect(p1?.at.port).toBe('x');
    expect(p1?.message).toContain('"x"');

    const badMask = analyze({ dim: 8, heads: 2 }, { x: shapeOnly([2, 3, 8]), mask: shapeOnly([2, 4], 'int64') });
    const p2 = badMask.a.problems.find((p) => p.code === 'MF_SHAPE_MISMATCH');
    expect(p2?.at.port).toBe('mask');
    expect(p2?.message).toContain('"mask"');

    const heads = analyze({ dim: 8, heads: 3 }, { x: shapeOnly([1, 3, 8]) });
    const p3 = heads.a.problems.find((p) => p.code === 'MF_SHAPE_INFER');
    expect(p3?.at.param).toBe('heads');
    expect(p3?.message).toMatch(/not divisible by 3 heads/);
  });
});
