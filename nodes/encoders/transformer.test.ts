import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { add, ffnRef, getter, layerRef, lnRef, mhaRef, randomWeights, type Getter, type LayerRefConfig } from '../testing/transformer-reference.ts';
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

/**
 * One BERT-named layer (xbert BertLayer) under `prefix` = `layer.{i}.`, post-norm:
 * self-attention, then (with a context) cross-attention, then the FFN.
 */
function bertLayerRef(
  x: ArrayLike<number>, B: number, T: number, c: LayerRefConfig, get: Getter, prefix: string,
  keyMask: ArrayLike<number> | undefined, ctx?: { c: ArrayLike<number>; tc: number; dc: number; mask?: ArrayLike<number> },
) {
  const att = (module: string): Getter => (n) => {
    const [proj, leaf] = n.split('.') as [string, string];
    const name = { q_proj: 'self.query', k_proj: 'self.key', v_proj: 'self.value', out_proj: 'output.dense' }[proj];
    return get(`${prefix}${module}.${name}.${leaf}`);
  };
  const ln = (h: ArrayLike<number>, n: string) => lnRef(h, c.dim, get, `${prefix}${n}.`, c.eps);
  const sa = mhaRef(x, x, B, T, T, c.dim, c.dim, c.dim, c.heads, att('attention'), { keyMask });
  let h = ln(add(x, sa.out), 'attention.output.LayerNorm');
  let cross: Float64Array | undefined;
  if (ctx) {
    const ca = mhaRef(h, ctx.c, B, T, ctx.tc, c.dim, ctx.dc, c.dim, c.heads, att('crossattention'), { keyMask: ctx.mask });
    cross = ca.weights;
    h = ln(add(h, ca.out), 'crossattention.output.LayerNorm');
  }
  const ffn = ffnRef(h, c.dim, c.mlpDim, get, `${prefix}intermediate.dense.`, `${prefix}output.dense.`, c.activation);
  return { y: ln(add(h, ffn), 'output.LayerNorm'), attn: sa.weights, cross };
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

  it('ALBEF text encoder: text-only layers, then layers that cross-attend to the image (BERT names, post-LN)', async () => {
    // 3 layers, cross-attention from layer 1 on, over a 5-token context of width 6.
    const params = { layers: 3, dim: 8, heads: 2, mlp_dim: 12, activation: 'gelu', norm: 'post', eps: 1e-12, cross_from: 1, naming: 'bert' };
    const x = randomTensor([2, 4, 8], 31);
    const context = randomTensor([2, 5, 6], 32);
    const m = [[1, 1, 1, 1], [1, 1, 1, 0]];
    const cm = [[1, 1, 1, 1, 1], [1, 1, 0, 1, 0]];
    const inputs = { x, mask: mask(m), context, context_mask: mask(cm) };
    const weights = randomWeights(transformer, { params, inputs }, 33);
    expect(Object.keys(weights).some((n) => n.startsWith('layer.0.crossattention.'))).toBe(false);
    expect(weights['layer.1.crossattention.self.key.weight']!.dims).toEqual([8, 6]);
    const { outputs } = await runNode(transformer, { params, inputs, weights });

    const cfg: LayerRefConfig = { dim: 8, heads: 2, mlpDim: 12, activation: 'gelu', norm: 'post', eps: 1e-12 };
    const get = getter(weights);
    let last = bertLayerRef(f64(x), 2, 4, cfg, get, 'layer.0.', m.flat());
    for (const k of [1, 2]) last = bertLayerRef(last.y, 2, 4, cfg, get, `layer.${k}.`, m.flat(), { c: f64(context), tc: 5, dc: 6, mask: cm.flat() });
    expect(outputs['y']!.dims).toEqual([2, 4, 8]);
    expect(outputs['cross_attn']!.dims).toEqual([2, 2, 4, 5]);
    expect(relError(f64(outputs['y']!), last.y)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), last.attn)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['cross_attn']!), last.cross!)).toBeLessThanOrEqual(1e-5);
    // Masked image tokens get exactly zero weight.
    const a = f64(outputs['cross_attn']!);
    for (let hd = 0; hd < 2; hd++) for (let i = 0; i < 4; i++) {
      expect(a[((2 + hd) * 4 + i) * 5 + 2]).toBe(0);
      expect(a[((2 + hd) * 4 + i) * 5 + 4]).toBe(0);
    }
  });

  it('pre-norm cross-attending layers (CLIP names) match float64', async () => {
    const params = { layers: 2, dim: 6, heads: 3, mlp_dim: 10, norm: 'pre', cross_from: 0, final_norm: true };
    const x = randomTensor([1, 3, 6], 41);
    const context = randomTensor([1, 4, 5], 42);
    const inputs = { x, context };
    const weights = randomWeights(transformer, { params, inputs }, 43);
    const { outputs } = await runNode(transformer, { params, inputs, weights });
    const get = getter(weights);
    const sub = (p: string): Getter => (n) => get(`${p}${n}`);
    const ln = (h: ArrayLike<number>, n: string) => lnRef(h, 6, get, `${n}.`, 1e-5);
    let h: Float64Array = f64(x);
    let cross: Float64Array = new Float64Array(0);
    for (const k of [0, 1]) {
      const p = `layers.${k}.`;
      h = add(h, mhaRef(ln(h, `${p}layer_norm1`), ln(h, `${p}layer_norm1`), 1, 3, 3, 6, 6, 6, 3, sub(`${p}self_attn.`)).out);
      const c = mhaRef(ln(h, `${p}layer_norm_cross`), f64(context), 1, 3, 4, 6, 5, 6, 3, sub(`${p}cross_attn.`));
      cross = c.weights;
      h = add(h, c.out);
      h = add(h, ffnRef(ln(h, `${p}layer_norm2`), 6, 10, get, `${p}mlp.fc1.`, `${p}mlp.fc2.`, 'quick_gelu'));
    }
    h = ln(h, 'final_layer_norm');
    expect(relError(f64(outputs['y']!), h)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['cross_attn']!), cross)).toBeLessThanOrEqual(1e-5);
  });

  it('gives an empty cross_attn [B, heads, T, 0] when no layer cross-attends', async () => {
    const { outputs } = await runNode(transformer, { params: { layers: 1, dim: 4, heads: 2, mlp_dim: 4 }, inputs: { x: randomTensor([2, 3, 4], 51) } });
    expect(outputs['cross_attn']!.dims).toEqual([2, 2, 3, 0]);
  });

  it('counts 9,451,776 parameters per ALBEF fusion layer, the same under both namings', () => {
    const x = shapeOnly([1, 25, 768]);
    const context = shapeOnly([1, 257, 768]);
    const albef = { layers: 1, dim: 768, heads: 12, mlp_dim: 3072, activation: 'gelu', norm: 'post', eps: 1e-12, cross_from: 0 };
    const one = analyze({ ...albef, naming: 'bert' }, { x, context });
    expect(one.a.ok).toBe(true);
    expect(one.n.paramCount).toBe(9_451_776);
    expect(analyze(albef, { x, context }).n.paramCount).toBe(9_451_776);
    expect(one.n.outputShapes['cross_attn']).toEqual([1, 12, 25, 257]);
    // BERT layers 6-11 of ALBEF, and the whole 12-layer text encoder with fusion from layer 6.
    expect(analyze({ ...albef, layers: 6, naming: 'bert' }, { x, context }).n.paramCount).toBe(56_710_656);
    expect(analyze({ ...albef, layers: 12, cross_from: 6, naming: 'bert' }, { x, context }).n.paramCount).toBe(6 * 7_087_872 + 56_710_656);
    // Keys and values read the context's width: a 1024-wide context adds 2 x 256 x 768 weights per layer.
    expect(analyze(albef, { x, context: shapeOnly([1, 10, 1024]) }).n.paramCount).toBe(9_451_776 + 2 * 256 * 768);
    // FLOPs grow with the context length (cross-attention scores and key/value projections).
    const short = analyze(albef, { x, context: shapeOnly([1, 50, 768]) });
    expect(one.n.flops).toBeGreaterThan(short.n.flops);
    expect(short.n.flops).toBeGreaterThan(analyze({ layers: 1, dim: 768, heads: 12, mlp_dim: 3072, activation: 'gelu', norm: 'post' }, { x }).n.flops);
  });

  it('names weights as BERT with naming bert, numbered from layer_offset', () => {
    const { n } = analyze({ layers: 2, dim: 8, heads: 2, norm: 'post', cross_from: 1, naming: 'bert', layer_offset: 6 }, { x: shapeOnly([1, 3, 8]), context: shapeOnly([1, 5, 4]) });
    const bert = (k: number, cross: boolean) => [
      ...['query', 'key', 'value'].flatMap((p) => [`layer.${k}.attention.self.${p}.weight`, `layer.${k}.attention.self.${p}.bias`]),
      `layer.${k}.attention.output.dense.weight`, `layer.${k}.attention.output.dense.bias`,
      `layer.${k}.attention.output.LayerNorm.weight`, `layer.${k}.attention.output.LayerNorm.bias`,
      ...(cross
        ? [
            ...['query', 'key', 'value'].flatMap((p) => [`layer.${k}.crossattention.self.${p}.weight`, `layer.${k}.crossattention.self.${p}.bias`]),
            `layer.${k}.crossattention.output.dense.weight`, `layer.${k}.crossattention.output.dense.bias`,
            `layer.${k}.crossattention.output.LayerNorm.weight`, `layer.${k}.crossattention.output.LayerNorm.bias`,
          ]
        : []),
      `layer.${k}.intermediate.dense.weight`, `layer.${k}.intermediate.dense.bias`,
      `layer.${k}.output.dense.weight`, `layer.${k}.output.dense.bias`,
      `layer.${k}.output.LayerNorm.weight`, `layer.${k}.output.LayerNorm.bias`,
    ];
    expect(Object.keys(n.weights)).toEqual([...bert(6, false), ...bert(7, true)]);
    expect(n.weights['layer.7.crossattention.self.value.weight']!.shape).toEqual([8, 4]);
    expect(n.weights['layer.6.intermediate.dense.weight']!.shape).toEqual([32, 8]);
  });

  it('rejects a missing or unread context and a context of another batch or length', () => {
    const x = shapeOnly([2, 3, 8]);
    const missing = analyze({ dim: 8, heads: 2, layers: 3, cross_from: 1 }, { x }).a.problems.find((p) => p.code === 'MF_SHAPE_INFER');
    expect(missing?.at.port).toBe('context');
    expect(missing?.message).toMatch(/layers 1-2 cross-attend.*"context" must be connected/);

    const unread = analyze({ dim: 8, heads: 2, layers: 2, cross_from: 2 }, { x, context: shapeOnly([2, 5, 4]) }).a.problems.find((p) => p.code === 'MF_SHAPE_INFER');
    expect(unread?.at.port).toBe('context');
    expect(unread?.message).toMatch(/"context" is connected but no layer cross-attends/);

    const batch = analyze({ dim: 8, heads: 2, cross_from: 0 }, { x, context: shapeOnly([3, 5, 4]) }).a.problems.find((p) => p.code === 'MF_SHAPE_MISMATCH');
    expect(batch?.at.port).toBe('context');
    expect(batch?.message).toContain('"context"');

    const cmask = analyze({ dim: 8, heads: 2, cross_from: 0 }, { x, context: shapeOnly([2, 5, 4]), context_mask: shapeOnly([2, 4], 'int64') })
      .a.problems.find((p) => p.code === 'MF_SHAPE_MISMATCH');
    expect(cmask?.at.port).toBe('context_mask');
    expect(cmask?.message).toContain('"context_mask"');
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
