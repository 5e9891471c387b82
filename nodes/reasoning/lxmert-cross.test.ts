import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { add, ffnRef, getter, lnRef, mhaRef, randomWeights, type Getter } from '../testing/transformer-reference.ts';
import lxmert from './lxmert-cross.ts';

const shapeOnly = (dims: number[], dtype: Tensor['dtype'] = 'float32'): Tensor => ({ dtype, dims, data: new Float32Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(lxmert, { params, inputs }), registryWith(lxmert));
  return { a, n: a.nodes.get('n')! };
}

const mask = (rows: number[][]): Tensor => ({ dtype: 'int64', dims: [rows.length, rows[0]!.length], data: BigInt64Array.from(rows.flat(), BigInt) });

/** Hugging Face BERT attention names: `{att}query`, ..., `{out}dense`. */
function bert(get: Getter, att: string, out: string): Getter {
  const names: Record<string, string> = { q_proj: `${att}query`, k_proj: `${att}key`, v_proj: `${att}value`, out_proj: `${out}dense` };
  return (n) => {
    const [proj, leaf] = n.split('.') as [string, string];
    return get(`${names[proj]}.${leaf}`);
  };
}

interface Cfg { B: number; Tl: number; Tv: number; D: number; H: number; M: number; eps: number; layers: number }

/** LxmertXLayer, layer by layer, in float64. */
function lxmertRef(lang: Tensor, vision: Tensor, weights: Record<string, Tensor>, c: Cfg, lm?: number[], vm?: number[]) {
  const get = getter(weights);
  let l: Float64Array = f64(lang);
  let v: Float64Array = f64(vision);
  let attn: Float64Array = new Float64Array(0);
  for (let k = 0; k < c.layers; k++) {
    const p = `x_layers.${k}.`;
    const xa = bert(get, `${p}visual_attention.att.`, `${p}visual_attention.output.`);
    const lx = mhaRef(l, v, c.B, c.Tl, c.Tv, c.D, c.D, c.D, c.H, xa, { keyMask: vm });
    const vx = mhaRef(v, l, c.B, c.Tv, c.Tl, c.D, c.D, c.D, c.H, xa, { keyMask: lm });
    attn = lx.weights;
    const l1 = lnRef(add(l, lx.out), c.D, get, `${p}visual_attention.output.LayerNorm.`, c.eps);
    const v1 = lnRef(add(v, vx.out), c.D, get, `${p}visual_attention.output.LayerNorm.`, c.eps);
    const ls = mhaRef(l1, l1, c.B, c.Tl, c.Tl, c.D, c.D, c.D, c.H, bert(get, `${p}lang_self_att.self.`, `${p}lang_self_att.output.`), { keyMask: lm });
    const vs = mhaRef(v1, v1, c.B, c.Tv, c.Tv, c.D, c.D, c.D, c.H, bert(get, `${p}visn_self_att.self.`, `${p}visn_self_att.output.`), { keyMask: vm });
    const l2 = lnRef(add(l1, ls.out), c.D, get, `${p}lang_self_att.output.LayerNorm.`, c.eps);
    const v2 = lnRef(add(v1, vs.out), c.D, get, `${p}visn_self_att.output.LayerNorm.`, c.eps);
    l = lnRef(add(l2, ffnRef(l2, c.D, c.M, get, `${p}lang_inter.dense.`, `${p}lang_output.dense.`, 'gelu')), c.D, get, `${p}lang_output.LayerNorm.`, c.eps);
    v = lnRef(add(v2, ffnRef(v2, c.D, c.M, get, `${p}visn_inter.dense.`, `${p}visn_output.dense.`, 'gelu')), c.D, get, `${p}visn_output.LayerNorm.`, c.eps);
  }
  return { l, v, attn };
}

/** One attention block with its output dense and LayerNorm: 4 (d² + d) + 2d. */
const attnBlock = (d: number) => 4 * (d * d + d) + 2 * d;
const ffnBlock = (d: number, m: number) => d * m + m + m * d + d + 2 * d;

describe('reasoning.lxmert_cross', () => {
  it('matches a float64 LxmertXLayer stack with padding masks on both streams', async () => {
    const params = { layers: 2, dim: 8, heads: 2, mlp_dim: 16, eps: 1e-12 };
    const lang = randomTensor([2, 3, 8], 61);
    const vision = randomTensor([2, 4, 8], 62);
    const lm = [[1, 1, 1], [1, 1, 0]];
    const vm = [[1, 0, 1, 1], [1, 1, 1, 1]];
    const inputs = { lang, vision, lang_mask: mask(lm), vision_mask: { dtype: 'float32' as const, dims: [2, 4], data: Float32Array.from(vm.flat()) } };
    const weights = randomWeights(lxmert, { params, inputs }, 70);
    const { outputs } = await runNode(lxmert, { params, inputs, weights });
    const ref = lxmertRef(lang, vision, weights, { B: 2, Tl: 3, Tv: 4, D: 8, H: 2, M: 16, eps: 1e-12, layers: 2 }, lm.flat(), vm.flat());
    expect(outputs['lang']!.dims).toEqual([2, 3, 8]);
    expect(outputs['vision']!.dims).toEqual([2, 4, 8]);
    expect(outputs['attn']!.dims).toEqual([2, 2, 3, 4]);
    expect(relError(f64(outputs['lang']!), ref.l)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['vision']!), ref.v)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), ref.attn)).toBeLessThanOrEqual(1e-5);

    // Language-to-vision weights: the masked region of image 0 gets exactly 0, rows sum to 1.
    const a = f64(outputs['attn']!);
    for (let h = 0; h < 2; h++) for (let i = 0; i < 3; i++) expect(a[(h * 3 + i) * 4 + 1]).toBe(0);
    for (let r = 0; r < a.length / 4; r++) expect(Math.abs(a.slice(r * 4, r * 4 + 4).reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-6);
  });

  it('runs without masks', async () => {
    const params = { layers: 1, dim: 4, heads: 1, mlp_dim: 6 };
    const lang = randomTensor([1, 2, 4], 63);
    const vision = randomTensor([1, 5, 4], 64);
    const weights = randomWeights(lxmert, { params, inputs: { lang, vision } }, 71);
    const { outputs } = await runNode(lxmert, { params, inputs: { lang, vision }, weights });
    const ref = lxmertRef(lang, vision, weights, { B: 1, Tl: 2, Tv: 5, D: 4, H: 1, M: 6, eps: 1e-12, layers: 1 });
    expect(relError(f64(outputs['lang']!), ref.l)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['vision']!), ref.v)).toBeLessThanOrEqual(1e-5);
  });

  it('holds one cross-attention module per layer, shared by both directions', () => {
    const { n } = analyze({ layers: 2, dim: 8, heads: 2, mlp_dim: 16 }, { lang: shapeOnly([1, 3, 8]), vision: shapeOnly([1, 4, 8]) });
    expect(n.paramCount).toBe(2 * (3 * attnBlock(8) + 2 * ffnBlock(8, 16)));
    const cross = Object.keys(n.weights).filter((k) => k.startsWith('x_layers.0.visual_attention.'));
    expect(cross).toEqual([
      'x_layers.0.visual_attention.att.query.weight', 'x_layers.0.visual_attention.att.query.bias',
      'x_layers.0.visual_attention.att.key.weight', 'x_layers.0.visual_attention.att.key.bias',
      'x_layers.0.visual_attention.att.value.weight', 'x_layers.0.visual_attention.att.value.bias',
      'x_layers.0.visual_attention.output.dense.weight', 'x_layers.0.visual_attention.output.dense.bias',
      'x_layers.0.visual_attention.output.LayerNorm.weight', 'x_layers.0.visual_attention.output.LayerNorm.bias',
    ]);
    const modules = new Set(Object.keys(n.weights).filter((k) => k.startsWith('x_layers.0.')).map((k) => k.split('.')[2]));
    expect([...modules]).toEqual(['visual_attention', 'lang_self_att', 'visn_self_att', 'lang_inter', 'lang_output', 'visn_inter', 'visn_output']);
    // LXMERT's 5 cross-modality layers at width 768: 16,539,648 parameters each.
    const base = analyze({}, { lang: shapeOnly([1, 20, 768]), vision: shapeOnly([1, 36, 768]) }).n;
    expect(3 * attnBlock(768) + 2 * ffnBlock(768, 3072)).toBe(16_539_648);
    expect(base.paramCount).toBe(5 * 16_539_648);
    expect(base.flops).toBeGreaterThan(0);
  });

  it('rejects streams of another width or batch, a mismatched mask and heads that do not divide dim', () => {
    const wide = analyze({ dim: 8, heads: 2 }, { lang: shapeOnly([1, 3, 8]), vision: shapeOnly([1, 4, 6]) }).a.problems[0]!;
    expect(wide.code).toBe('MF_SHAPE_MISMATCH');
    expect(wide.at.port).toBe('vision');
    expect(wide.message).toContain('"vision"');

    const batch = analyze({ dim: 8, heads: 2 }, { lang: shapeOnly([2, 3, 8]), vision: shapeOnly([3, 4, 8]) }).a.problems[0]!;
    expect(batch.code).toBe('MF_SHAPE_MISMATCH');
    expect(batch.at.port).toBe('vision');

    const m = analyze({ dim: 8, heads: 2 }, { lang: shapeOnly([1, 3, 8]), vision: shapeOnly([1, 4, 8]), vision_mask: shapeOnly([1, 3], 'int64') }).a.problems[0]!;
    expect(m.code).toBe('MF_SHAPE_MISMATCH');
    expect(m.at.port).toBe('vision_mask');

    const heads = analyze({ dim: 8, heads: 3 }, { lang: shapeOnly([1, 3, 8]), vision: shapeOnly([1, 4, 8]) }).a.problems[0]!;
    expect(heads.code).toBe('MF_SHAPE_INFER');
    expect(heads.at.param).toBe('heads');
  });
});
