import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { add, ffnRef, getter, layerRef, lnRef, mhaRef, randomWeights, type LayerRefConfig } from '../testing/transformer-reference.ts';
import transformer from './transformer.ts';

// Single-stream fusion is the transformer with its preset's params; tests give only what differs.
const preset = transformer.presets!.find((p) => p.name === 'single_stream')!;
const single = (p: Record<string, unknown>) => ({ ...preset.params, ...p });

const shapeOnly = (dims: number[], dtype: Tensor['dtype'] = 'float32'): Tensor => ({ dtype, dims, data: new Float32Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(transformer, { params: single(params), inputs }), registryWith(transformer));
  return { a, n: a.nodes.get('n')! };
}

function stackRef(x: Tensor, weights: Record<string, Tensor>, c: LayerRefConfig, layers: number, keyMask?: number[], final = false) {
  const [B, T] = x.dims as [number, number];
  const get = getter(weights);
  let h: ArrayLike<number> = f64(x);
  let attn: Float64Array = new Float64Array(0);
  for (let k = 0; k < layers; k++) ({ y: h, attn } = layerRef(h, B, T, c, get, `layers.${k}.`, keyMask));
  if (final) h = lnRef(h, c.dim, get, 'final_layer_norm.', c.eps);
  return { y: Float64Array.from(h), attn };
}

describe('encoder.transformer as single-stream fusion', () => {
  it('matches a float64 post-LN stack over a fused text+image sequence with padding (UNITER)', async () => {
    const params = single({ layers: 2, dim: 8, heads: 2, mlp_dim: 12 });
    // 3 text tokens then 4 regions; example 1 has one padded word and one missing region.
    const x = randomTensor([2, 7, 8], 91);
    const m = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 0, 1, 1, 1, 0]];
    const inputs = { x, mask: { dtype: 'int32' as const, dims: [2, 7], data: Int32Array.from(m.flat()) } };
    const weights = randomWeights(transformer, { params, inputs }, 92);
    const { outputs } = await runNode(transformer, { params, inputs, weights });
    const ref = stackRef(x, weights, { dim: 8, heads: 2, mlpDim: 12, activation: 'gelu', norm: 'post', eps: 1e-12 }, 2, m.flat());
    expect(relError(f64(outputs['y']!), ref.y)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), ref.attn)).toBeLessThanOrEqual(1e-5);
    const a = f64(outputs['attn']!);
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 7; i++) {
        const row = a.slice(((2 + h) * 7 + i) * 7, ((2 + h) * 7 + i + 1) * 7); // example 1
        expect(row[2]).toBe(0);
        expect(row[6]).toBe(0);
        expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it('runs the ViLT layout: pre-LN with a final norm', async () => {
    const params = single({ layers: 2, dim: 6, heads: 3, mlp_ratio: 2, norm: 'pre', final_norm: true });
    const x = randomTensor([1, 5, 6], 93);
    const weights = randomWeights(transformer, { params, inputs: { x } }, 94);
    const { outputs } = await runNode(transformer, { params, inputs: { x }, weights });
    const ref = stackRef(x, weights, { dim: 6, heads: 3, mlpDim: 12, activation: 'gelu', norm: 'pre', eps: 1e-12 }, 2, undefined, true);
    expect(relError(f64(outputs['y']!), ref.y)).toBeLessThanOrEqual(1e-5);
  });

  it('counts UNITER-base: 12 BERT layers of 7,087,872 parameters', () => {
    const { a, n } = analyze({}, { x: shapeOnly([1, 96, 768]) });
    expect(a.ok).toBe(true);
    expect(n.paramCount).toBe(12 * 7_087_872);
    expect(n.outputShapes['attn']).toEqual([1, 12, 96, 96]);
  });

  it('names UNITER-base weights as its BERT checkpoint with naming bert, same count', () => {
    const { a, n } = analyze({ naming: 'bert' }, { x: shapeOnly([1, 96, 768]) });
    expect(a.ok).toBe(true);
    expect(n.paramCount).toBe(12 * 7_087_872);
    const names = Object.keys(n.weights);
    expect(names.slice(0, 4)).toEqual([
      'layer.0.attention.self.query.weight', 'layer.0.attention.self.query.bias', 'layer.0.attention.self.key.weight', 'layer.0.attention.self.key.bias',
    ]);
    expect(names).toContain('layer.11.output.LayerNorm.bias');
    expect(names.some((w) => w.startsWith('layers.'))).toBe(false);
  });

  it('matches float64 with BERT names and a cross-attending last layer', async () => {
    const params = single({ layers: 2, dim: 4, heads: 2, mlp_dim: 6, naming: 'bert', cross_from: 1 });
    const x = randomTensor([1, 3, 4], 95);
    const context = randomTensor([1, 2, 4], 96);
    const weights = randomWeights(transformer, { params, inputs: { x, context } }, 97);
    const { outputs } = await runNode(transformer, { params, inputs: { x, context }, weights });
    const get = getter(weights);
    const bert = (prefix: string) => (n: string) => {
      const [proj, leaf] = n.split('.') as [string, string];
      return get(`${prefix}${{ q_proj: 'self.query', k_proj: 'self.key', v_proj: 'self.value', out_proj: 'output.dense' }[proj]}.${leaf}`);
    };
    const ln = (h: ArrayLike<number>, n: string) => lnRef(h, 4, get, n, 1e-12);
    let h: Float64Array = f64(x);
    let cross: Float64Array = new Float64Array(0);
    for (const k of [0, 1]) {
      const p = `layer.${k}.`;
      h = ln(add(h, mhaRef(h, h, 1, 3, 3, 4, 4, 4, 2, bert(`${p}attention.`)).out), `${p}attention.output.LayerNorm.`);
      if (k === 1) {
        const c = mhaRef(h, f64(context), 1, 3, 2, 4, 4, 4, 2, bert(`${p}crossattention.`));
        cross = c.weights;
        h = ln(add(h, c.out), `${p}crossattention.output.LayerNorm.`);
      }
      h = ln(add(h, ffnRef(h, 4, 6, get, `${p}intermediate.dense.`, `${p}output.dense.`, 'gelu')), `${p}output.LayerNorm.`);
    }
    expect(relError(f64(outputs['y']!), h)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['cross_attn']!), cross)).toBeLessThanOrEqual(1e-5);
  });

  it('rejects a width other than dim and a mask of another length', () => {
    const wide = analyze({}, { x: shapeOnly([1, 10, 512]) }).a.problems[0]!;
    expect(wide.code).toBe('MF_SHAPE_MISMATCH');
    expect(wide.at.port).toBe('x');
    const m = analyze({}, { x: shapeOnly([1, 10, 768]), mask: shapeOnly([1, 9], 'int64') }).a.problems[0]!;
    expect(m.code).toBe('MF_SHAPE_MISMATCH');
    expect(m.at.port).toBe('mask');
    expect(m.message).toContain('"mask"');
  });
});

describe('saved graphs with the single-stream fusion node', () => {
  it('read it as the transformer with its former defaults, same weights and count', () => {
    const x = shapeOnly([1, 96, 768]);
    const old = singleNodeGraph(transformer, { params: { naming: 'bert' }, inputs: { x } });
    const n = old.nodes.find((node) => node.id === 'n')!;
    n.type = 'reasoning.self_attention';
    n.params = { naming: 'bert' };
    const a = analyzeGraph(old, registryWith(transformer));
    expect(a.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    const info = a.nodes.get('n')!;
    expect(info.def.type).toBe('encoder.transformer');
    expect(info.params).toMatchObject({ activation: 'gelu', norm: 'post', eps: 1e-12, naming: 'bert' });
    expect(info.paramCount).toBe(12 * 7_087_872);
    expect(Object.keys(info.weights)).toEqual(Object.keys(analyze({ naming: 'bert' }, { x }).n.weights));
  });
});
