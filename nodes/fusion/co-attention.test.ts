import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { act, f64, layerNormRef, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { attentionRowStats, lengthMask, mhaRef, residualRef, weights64 } from '../testing/fusion-reference.ts';
import coAttention from './co-attention.ts';

interface Attn { q: string; k: string; v: string; o: string; ln: string }
interface Ffn { inter: string; out: string; ln: string }

// Written out here rather than imported, so a swapped name in the node shows up as a failure.
const VILBERT = {
  cross: {
    v: { q: 'biattention.query1', k: 'biattention.key2', v: 'biattention.value2', o: 'biOutput.dense1', ln: 'biOutput.LayerNorm1' },
    t: { q: 'biattention.query2', k: 'biattention.key1', v: 'biattention.value1', o: 'biOutput.dense2', ln: 'biOutput.LayerNorm2' },
  },
  ffn: {
    v: { inter: 'v_intermediate.dense', out: 'v_output.dense', ln: 'v_output.LayerNorm' },
    t: { inter: 't_intermediate.dense', out: 't_output.dense', ln: 't_output.LayerNorm' },
  },
};
const LX_CROSS: Attn = {
  q: 'visual_attention.att.query', k: 'visual_attention.att.key', v: 'visual_attention.att.value',
  o: 'visual_attention.output.dense', ln: 'visual_attention.output.LayerNorm',
};
const lxSelf = (p: string): Attn => ({ q: `${p}.self.query`, k: `${p}.self.key`, v: `${p}.self.value`, o: `${p}.output.dense`, ln: `${p}.output.LayerNorm` });
const LXMERT = {
  cross: { v: LX_CROSS, t: LX_CROSS },
  self: { v: lxSelf('visn_self_att'), t: lxSelf('lang_self_att') },
  ffn: {
    v: { inter: 'visn_inter.dense', out: 'visn_output.dense', ln: 'visn_output.LayerNorm' },
    t: { inter: 'lang_inter.dense', out: 'lang_output.dense', ln: 'lang_output.LayerNorm' },
  },
};

type Seq = { x: Float64Array; t: number; d: number; keep: (b: number, k: number) => boolean };

function coRef(
  W: (n: string) => Float64Array,
  names: { cross: Record<'v' | 't', Attn>; self?: Record<'v' | 't', Attn>; ffn: Record<'v' | 't', Ffn> },
  s: Record<'v' | 't', Seq>,
  o: { batch: number; dim: number; heads: number; eps: number; self: boolean },
) {
  const block = (n: Attn, q: Seq, c: Seq, dim: number) => {
    const r = mhaRef({
      x: q.x, c: c.x, batch: o.batch, tq: q.t, tk: c.t, dq: q.d, dc: c.d, dim, dOut: q.d, heads: o.heads,
      w: { qw: W(`${n.q}.weight`), qb: W(`${n.q}.bias`), kw: W(`${n.k}.weight`), kb: W(`${n.k}.bias`), vw: W(`${n.v}.weight`), vb: W(`${n.v}.bias`), ow: W(`${n.o}.weight`), ob: W(`${n.o}.bias`) },
      keep: c.keep,
    });
    return { y: residualRef(q.x, r.out, q.d, { gamma: W(`${n.ln}.weight`), beta: W(`${n.ln}.bias`), eps: o.eps }), attn: r.attn };
  };
  const vx = block(names.cross.v, s.v, s.t, o.dim);
  const tx = block(names.cross.t, s.t, s.v, o.dim);
  const out: Record<'v' | 't', Float64Array> = { v: vx.y, t: tx.y };
  for (const k of ['v', 't'] as const) {
    if (o.self) {
      const cur = { ...s[k], x: out[k] };
      out[k] = block(names.self![k], cur, cur, s[k].d).y;
    }
    const f = names.ffn[k];
    const d = s[k].d;
    const width = W(`${f.inter}.bias`).length;
    const hidden = linearRef(out[k], d, W(`${f.inter}.weight`), width, W(`${f.inter}.bias`)).map(act['gelu']!);
    const y = linearRef(hidden, width, W(`${f.out}.weight`), d, W(`${f.out}.bias`));
    out[k] = layerNormRef(out[k].map((v, i) => v + y[i]!), d, W(`${f.ln}.weight`), W(`${f.ln}.bias`), o.eps);
  }
  return { v: out.v, t: out.t, vAttn: vx.attn, tAttn: tx.attn };
}

/** Random LayerNorm gains and shifts, so a swapped norm cannot hide behind ones and zeros. */
function randomNorms(list: [string, number][]): Record<string, Tensor> {
  return Object.fromEntries(
    list.flatMap(([name, d], k) => [
      [`${name}.weight`, randomTensor([d], 100 + k)],
      [`${name}.bias`, randomTensor([d], 200 + k)],
    ]),
  );
}

const seq = (x: Tensor, lengths: number[]): Seq => ({ x: f64(x), t: x.dims[1]!, d: x.dims[2]!, keep: (b, k) => k < lengths[b]! });

describe('fusion.co_attention', () => {
  it('ViLBERT: both directions read the pre-layer states, then each stream has its own FFN', async () => {
    const v = randomTensor([2, 3, 6], 1);
    const t = randomTensor([2, 4, 4], 2);
    const [vLen, tLen] = [[3, 2], [4, 1]];
    const { outputs, weights } = await runNode(coAttention, {
      params: { dim: 4, heads: 2, v_ffn: 5, t_ffn: 7 },
      inputs: { v, t, v_mask: lengthMask(vLen, 3), t_mask: lengthMask(tLen, 4) },
      weights: randomNorms([['biOutput.LayerNorm1', 6], ['biOutput.LayerNorm2', 4], ['v_output.LayerNorm', 6], ['t_output.LayerNorm', 4]]),
    });
    expect(weights['biattention.query2.weight']!.dims).toEqual([4, 4]);
    expect(weights['biattention.key1.weight']!.dims).toEqual([4, 6]);
    expect(weights['biOutput.dense1.weight']!.dims).toEqual([6, 4]);
    const ref = coRef(weights64(weights), VILBERT, { v: seq(v, vLen), t: seq(t, tLen) }, { batch: 2, dim: 4, heads: 2, eps: 1e-12, self: false });
    expect(relError(f64(outputs['v_out']!), ref.v)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['t_out']!), ref.t)).toBeLessThanOrEqual(1e-5);
    expect(outputs['v_attn']!.dims).toEqual([2, 2, 3, 4]);
    expect(outputs['t_attn']!.dims).toEqual([2, 2, 4, 3]);
    expect(relError(f64(outputs['v_attn']!), ref.vAttn)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['t_attn']!), ref.tAttn)).toBeLessThanOrEqual(1e-5);

    // v_attn rows are [b, h, i] over text keys; t_attn rows over vision keys.
    const vs = attentionRowStats(f64(outputs['v_attn']!), 4, (row, k) => k >= tLen[Math.floor(row / (2 * 3))]!);
    const ts = attentionRowStats(f64(outputs['t_attn']!), 3, (row, k) => k >= vLen[Math.floor(row / (2 * 4))]!);
    expect(Math.max(vs.sumError, ts.sumError)).toBeLessThanOrEqual(1e-6);
    expect(vs.maskedMax).toBe(0);
    expect(ts.maskedMax).toBe(0);
  });

  it('LXMERT: one shared cross-attention module, then self-attention and FFN per stream', async () => {
    const v = randomTensor([2, 3, 4], 3);
    const t = randomTensor([2, 2, 4], 4);
    const [vLen, tLen] = [[2, 3], [2, 1]];
    const { outputs, weights } = await runNode(coAttention, {
      params: { variant: 'lxmert', dim: 4, heads: 2, v_ffn: 6, t_ffn: 5, self_attention: true },
      inputs: { v, t, v_mask: lengthMask(vLen, 3), t_mask: lengthMask(tLen, 2) },
      weights: randomNorms([
        ['visual_attention.output.LayerNorm', 4], ['visn_self_att.output.LayerNorm', 4], ['lang_self_att.output.LayerNorm', 4],
        ['visn_output.LayerNorm', 4], ['lang_output.LayerNorm', 4],
      ]),
    });
    const cross = Object.keys(weights).filter((k) => k.includes('attention.') || k.startsWith('bi'));
    expect(cross.sort()).toEqual([
      'visual_attention.att.key.bias', 'visual_attention.att.key.weight', 'visual_attention.att.query.bias', 'visual_attention.att.query.weight',
      'visual_attention.att.value.bias', 'visual_attention.att.value.weight', 'visual_attention.output.LayerNorm.bias',
      'visual_attention.output.LayerNorm.weight', 'visual_attention.output.dense.bias', 'visual_attention.output.dense.weight',
    ]);
    const ref = coRef(weights64(weights), LXMERT, { v: seq(v, vLen), t: seq(t, tLen) }, { batch: 2, dim: 4, heads: 2, eps: 1e-12, self: true });
    expect(relError(f64(outputs['v_out']!), ref.v)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['t_out']!), ref.t)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['v_attn']!), ref.vAttn)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['t_attn']!), ref.tAttn)).toBeLessThanOrEqual(1e-5);
    const ts = attentionRowStats(f64(outputs['t_attn']!), 3, (row, k) => k >= vLen[Math.floor(row / (2 * 2))]!);
    expect(ts.sumError).toBeLessThanOrEqual(1e-6);
    expect(ts.maskedMax).toBe(0);
  });

  it('declares ViLBERT\'s unused q_dense1/q_dense2; onnxruntime loads and runs the model, outputs unchanged', async () => {
    const v = randomTensor([1, 3, 6], 7);
    const t = randomTensor([1, 2, 4], 8);
    const params = { dim: 4, heads: 2, v_ffn: 5, t_ffn: 3 };
    const full = await runNode(coAttention, { params, inputs: { v, t } });
    expect(full.weights['biOutput.q_dense1.weight']!.dims).toEqual([6, 4]);
    expect(full.weights['biOutput.q_dense1.bias']!.dims).toEqual([6]);
    expect(full.weights['biOutput.q_dense2.weight']!.dims).toEqual([4, 4]);
    expect(full.weights['biOutput.q_dense2.bias']!.dims).toEqual([4]);
    const shared = Object.fromEntries(Object.entries(full.weights).filter(([k]) => !k.includes('q_dense')));
    const lean = await runNode(coAttention, { params: { ...params, checkpoint_weights: false }, inputs: { v, t }, weights: shared });
    expect(Object.keys(lean.weights).some((k) => k.includes('q_dense'))).toBe(false);
    for (const port of ['v_out', 't_out', 'v_attn', 't_attn']) {
      expect(Array.from(full.outputs[port]!.data as Float32Array)).toEqual(Array.from(lean.outputs[port]!.data as Float32Array));
    }
  });

  it('without the FFN returns the cross-attention sublayer alone', async () => {
    const v = randomTensor([1, 2, 4], 5);
    const t = randomTensor([1, 3, 4], 6);
    const { outputs, weights } = await runNode(coAttention, { params: { variant: 'lxmert', dim: 8, heads: 4, ffn: false }, inputs: { v, t } });
    expect(Object.keys(weights).some((k) => k.includes('inter') || k.includes('_output'))).toBe(false);
    const W = weights64(weights);
    const all = () => true;
    const run = (q: Tensor, c: Tensor) =>
      residualRef(f64(q), mhaRef({
        x: f64(q), c: f64(c), batch: 1, tq: q.dims[1]!, tk: c.dims[1]!, dq: 4, dc: 4, dim: 8, dOut: 4, heads: 4, keep: all,
        w: {
          qw: W('visual_attention.att.query.weight'), qb: W('visual_attention.att.query.bias'),
          kw: W('visual_attention.att.key.weight'), kb: W('visual_attention.att.key.bias'),
          vw: W('visual_attention.att.value.weight'), vb: W('visual_attention.att.value.bias'),
          ow: W('visual_attention.output.dense.weight'), ob: W('visual_attention.output.dense.bias'),
        },
      }).out, 4, { gamma: W('visual_attention.output.LayerNorm.weight'), beta: W('visual_attention.output.LayerNorm.bias'), eps: 1e-12 });
    expect(relError(f64(outputs['v_out']!), run(v, t))).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['t_out']!), run(t, v))).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters of the published configurations', () => {
    const count = (params: Record<string, unknown>, dv: number, dt: number) =>
      analyzeGraph(
        singleNodeGraph(coAttention, { params, inputs: { v: randomTensor([1, 2, dv]), t: randomTensor([1, 2, dt]) } }),
        registryWith(coAttention),
      ).nodes.get('n')!.paramCount;
    // ViLBERT co-attention layer: v 1024, t 768, bi_hidden 1024 / 8 heads, v FFN 1024, t FFN 3072.
    const lin = (o: number, i: number) => o * i + o;
    const vilbert =
      3 * lin(1024, 1024) + 3 * lin(1024, 768) + // biattention query/key/value 1 and 2
      lin(1024, 1024) + 2 * 1024 + lin(768, 1024) + 2 * 768 + // biOutput dense1/LayerNorm1, dense2/LayerNorm2
      lin(1024, 1024) + lin(1024, 1024) + 2 * 1024 + // vision FFN
      lin(3072, 768) + lin(768, 3072) + 2 * 768; // text FFN
    expect(count({ checkpoint_weights: false }, 1024, 768)).toBe(vilbert);
    // BertBiOutput's unused q_dense1 (1024 -> 1024) and q_dense2 (1024 -> 768) are declared by default.
    expect(count({}, 1024, 768)).toBe(vilbert + lin(1024, 1024) + lin(768, 1024));
    expect(count({}, 1024, 768)).toBe(14_176_768 + 1_836_800);
    // Six such layers, with the rest of VILBertForVLTasks, give the reference 258,558,646 (examples/vilbert).
    expect(count({ variant: 'lxmert', dim: 768, heads: 12, v_ffn: 3072, t_ffn: 3072 }, 768, 768)).toBe(
      count({ variant: 'lxmert', dim: 768, heads: 12, v_ffn: 3072, t_ffn: 3072, checkpoint_weights: false }, 768, 768),
    );
    // LXMERT cross-modality layer (768, 12 heads, 3072): two BERT-base layers (7,087,872 each)
    // plus one shared cross-attention block (2,363,904).
    expect(count({ variant: 'lxmert', dim: 768, heads: 12, v_ffn: 3072, t_ffn: 3072, self_attention: true }, 768, 768)).toBe(16_539_648);
  });

  it('rejects unequal widths for the shared module, bad masks and bad head counts', () => {
    const errors = (inputs: Record<string, Tensor>, params: Record<string, unknown> = {}) =>
      analyzeGraph(singleNodeGraph(coAttention, { inputs, params }), registryWith(coAttention)).problems.filter((p) => p.severity === 'error');
    const widths = errors({ v: randomTensor([1, 2, 8]), t: randomTensor([1, 3, 4]) }, { variant: 'lxmert', dim: 8, heads: 2 });
    expect(widths[0]!.code).toBe('MF_SHAPE_INFER');
    expect(widths[0]!.at.port).toBe('t');
    expect(widths[0]!.message).toContain('"t"');
    const mask = errors({ v: randomTensor([1, 2, 8]), t: randomTensor([1, 3, 4]), t_mask: lengthMask([1], 2) }, { dim: 8, heads: 2 });
    expect(mask[0]!.code).toBe('MF_SHAPE_MISMATCH');
    expect(mask[0]!.message).toContain('"t_mask"');
    const batch = errors({ v: randomTensor([1, 2, 8]), t: randomTensor([2, 3, 4]) }, { dim: 8, heads: 2 });
    expect(batch[0]!.code).toBe('MF_SHAPE_MISMATCH');
    expect(batch[0]!.message).toContain('"t"');
    const heads = errors({ v: randomTensor([1, 2, 8]), t: randomTensor([1, 3, 6]) }, { dim: 8, heads: 4, self_attention: true });
    expect(heads[0]!.code).toBe('MF_SHAPE_INFER');
    expect(heads[0]!.message).toContain('"t"');
  });
});
