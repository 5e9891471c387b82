import { NodeError, bool, choice, defineNode, float, int, tensor, type Dim, type WeightSpec } from '@modalflow/core';
import { attentionFlops, multiHeadAttention } from '../lib/attention.ts';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, layerNorm, linear, type Activation } from '../lib/ops.ts';
import { MASK_DTYPES, layerNormSpecs, linearSpecs } from '../lib/fusion-math.ts';
import type { OnnxGraph } from '../lib/lowering.ts';
import '../lib/lowering.ts';

const VARIANTS = ['vilbert', 'lxmert'] as const;
type Variant = (typeof VARIANTS)[number];
type Stream = 'v' | 't';

/** Weight-name prefixes of one attention sublayer: projections, output dense, its LayerNorm. */
interface AttnNames {
  q: string;
  k: string;
  v: string;
  o: string;
  ln: string;
}

interface FfnNames {
  inter: string;
  out: string;
  ln: string;
}

/**
 * Where each sublayer's weights live, named as the reference state_dicts: ViLBERT's
 * BertConnectionLayer (facebookresearch/vilbert-multi-task) and Hugging Face's LxmertXLayer.
 */
function names(variant: Variant) {
  if (variant === 'vilbert') {
    const bert = (p: string): AttnNames => ({
      q: `${p}.self.query.`, k: `${p}.self.key.`, v: `${p}.self.value.`, o: `${p}.output.dense.`, ln: `${p}.output.LayerNorm.`,
    });
    return {
      // ViLBERT: query1/key1/value1 read the vision stream, query2/key2/value2 the text stream;
      // text queries (query2) meet vision keys (key1) and come out through dense2/LayerNorm2.
      cross: {
        v: { q: 'biattention.query1.', k: 'biattention.key2.', v: 'biattention.value2.', o: 'biOutput.dense1.', ln: 'biOutput.LayerNorm1.' },
        t: { q: 'biattention.query2.', k: 'biattention.key1.', v: 'biattention.value1.', o: 'biOutput.dense2.', ln: 'biOutput.LayerNorm2.' },
      } satisfies Record<Stream, AttnNames>,
      self: { v: bert('v_attention'), t: bert('t_attention') } satisfies Record<Stream, AttnNames>,
      ffn: {
        v: { inter: 'v_intermediate.dense.', out: 'v_output.dense.', ln: 'v_output.LayerNorm.' },
        t: { inter: 't_intermediate.dense.', out: 't_output.dense.', ln: 't_output.LayerNorm.' },
      } satisfies Record<Stream, FfnNames>,
    };
  }
  const shared: AttnNames = {
    q: 'visual_attention.att.query.', k: 'visual_attention.att.key.', v: 'visual_attention.att.value.',
    o: 'visual_attention.output.dense.', ln: 'visual_attention.output.LayerNorm.',
  };
  const self = (p: string): AttnNames => ({
    q: `${p}.self.query.`, k: `${p}.self.key.`, v: `${p}.self.value.`, o: `${p}.output.dense.`, ln: `${p}.output.LayerNorm.`,
  });
  return {
    cross: { v: shared, t: shared },
    self: { v: self('visn_self_att'), t: self('lang_self_att') },
    ffn: {
      v: { inter: 'visn_inter.dense.', out: 'visn_output.dense.', ln: 'visn_output.LayerNorm.' },
      t: { inter: 'lang_inter.dense.', out: 'lang_output.dense.', ln: 'lang_output.LayerNorm.' },
    },
  };
}

function attnSpecs(n: AttnNames, dQuery: number, dContext: number, dim: number): Record<string, WeightSpec> {
  return {
    ...linearSpecs(n.q, dim, dQuery),
    ...linearSpecs(n.k, dim, dContext),
    ...linearSpecs(n.v, dim, dContext),
    ...linearSpecs(n.o, dQuery, dim),
    ...layerNormSpecs(n.ln, dQuery),
  };
}

/** y = LN(x + Dense(MHA(x, c))): BERT's attention sublayer, post-LN. */
function attnBlock(
  g: OnnxGraph, w: Record<string, string>, n: AttnNames,
  query: string, context: string, mask: string | undefined, dim: number, heads: number, eps: number,
): { y: string; attn: string } {
  const as = (name: string, prefix: string) => ({ [`${name}.weight`]: w[`${prefix}weight`]!, [`${name}.bias`]: w[`${prefix}bias`]! });
  const { out, weights } = multiHeadAttention(g, {
    query, context, dim, heads, prefix: '', keyMask: mask,
    w: { ...as('q_proj', n.q), ...as('k_proj', n.k), ...as('v_proj', n.v), ...as('out_proj', n.o) },
  });
  return { y: layerNorm(g, g.op('Add', [query, out]), w[`${n.ln}weight`]!, w[`${n.ln}bias`]!, eps), attn: weights };
}

/** y = LN(x + W_2 act(W_1 x + b_1) + b_2): BERT's intermediate + output. */
function ffnBlock(g: OnnxGraph, w: Record<string, string>, n: FfnNames, x: string, act: Activation, eps: number): string {
  const hidden = activation(g, linear(g, x, w[`${n.inter}weight`]!, w[`${n.inter}bias`]), act);
  const out = linear(g, hidden, w[`${n.out}weight`]!, w[`${n.out}bias`]);
  return layerNorm(g, g.op('Add', [x, out]), w[`${n.ln}weight`]!, w[`${n.ln}bias`]!, eps);
}

/**
 * Two-way co-attention (ViLBERT, Lu et al. 2019): both directions read the states from before
 * the layer, so they run side by side, not one after the other:
 *   ctx_v = MHA(Q = v, K = V = t),  ctx_t = MHA(Q = t, K = V = v)
 *   v' = LN(v + Dense(ctx_v)),  t' = LN(t + Dense(ctx_t))
 *   v'' = LN(v' + FFN_v(v')),  t'' = LN(t' + FFN_t(t'))
 * Variant `lxmert` (Tan & Bansal 2019) uses ONE cross-attention module (projections, output
 * dense and LayerNorm) for both directions, so both streams must have the same width; with
 * `self_attention` on it is exactly Hugging Face's LxmertXLayer (cross -> self -> FFN).
 * ViLBERT's BertBiOutput also creates `q_dense1` (Linear(bi_hidden, v_hidden)) and `q_dense2`
 * (Linear(bi_hidden, hidden)) that its forward never uses; `checkpoint_weights` declares them
 * so the reference checkpoint loads 1:1 and the parameter count matches `parameters()`.
 */
export default defineNode({
  type: 'fusion.co_attention',
  version: 1,
  category: 'fusion',
  title: 'Co-attention (ViLBERT / LXMERT)',
  views: { attention: ['v_attn', 't_attn'] },
  doc:
    'Two streams, vision tokens `v` and text tokens `t`, exchange information in both directions at once: every vision token attends over the text, every text token attends over the vision tokens, and both use the states from before the layer. ' +
    'Each stream then adds the result to itself, normalises, and passes through its own feed-forward network. ' +
    'The `lxmert` variant uses a single cross-attention module for both directions (both streams must have the same width); turning on `self_attention` inserts a per-stream self-attention step between cross-attention and feed-forward, as in LXMERT\'s cross-modality layer. ' +
    'Both attention maps are outputs: masked tokens get weight 0. ' +
    'With `checkpoint_weights` on, the vilbert variant also holds two linear layers that ViLBERT\'s code creates but never uses, so its checkpoints load as they are and the parameter count matches the reference.',
  formula:
    "v' = \\mathrm{LN}\\big(v + \\mathrm{MHA}(v; t)\\big),\\; t' = \\mathrm{LN}\\big(t + \\mathrm{MHA}(t; v)\\big),\\; v'' = \\mathrm{LN}\\big(v' + \\mathrm{FFN}_v(v')\\big),\\; t'' = \\mathrm{LN}\\big(t' + \\mathrm{FFN}_t(t')\\big)",
  source:
    'Lu et al. 2019, ViLBERT (facebookresearch/vilbert-multi-task BertConnectionLayer); Tan & Bansal 2019, LXMERT (Hugging Face LxmertXLayer)',
  inputs: {
    v: tensor('float32', ['B', 'Tv', 'Dv'], { description: 'Vision stream (e.g. region features)' }),
    t: tensor('float32', ['B', 'Tt', 'Dt'], { description: 'Text stream (token states)' }),
    v_mask: tensor(MASK_DTYPES, ['B', 'Tv'], { optional: true, description: 'Vision keep-mask (1 = attend)' }),
    t_mask: tensor(MASK_DTYPES, ['B', 'Tt'], { optional: true, description: 'Text keep-mask (1 = attend)' }),
  },
  outputs: {
    v_out: tensor('float32', ['B', 'Tv', 'Dv'], { description: 'Updated vision stream' }),
    t_out: tensor('float32', ['B', 'Tt', 'Dt'], { description: 'Updated text stream' }),
    v_attn: tensor('float32', ['B', 'heads', 'Tv', 'Tt'], { description: 'Vision queries over text keys; rows sum to 1' }),
    t_attn: tensor('float32', ['B', 'heads', 'Tt', 'Tv'], { description: 'Text queries over vision keys; rows sum to 1' }),
  },
  params: {
    variant: choice(VARIANTS, { default: 'vilbert', description: 'vilbert: one attention module per direction; lxmert: one module shared by both' }),
    dim: int({ default: 1024, min: 1, description: 'Cross-attention width (ViLBERT bi_hidden_size 1024; LXMERT 768)' }),
    heads: int({ default: 8, min: 1, description: 'Attention heads (ViLBERT 8; LXMERT 12)' }),
    v_ffn: int({ default: 1024, min: 1, description: 'Vision feed-forward width (ViLBERT 1024; LXMERT 3072)' }),
    t_ffn: int({ default: 3072, min: 1, description: 'Text feed-forward width (3072 in both)' }),
    activation: choice(ACTIVATIONS, { default: 'gelu', description: 'Feed-forward activation' }),
    ffn: bool({ default: true, description: 'Run each stream\'s feed-forward sublayer' }),
    self_attention: bool({ default: false, description: 'Per-stream self-attention after the cross-attention (LXMERT cross-modality layer)' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon' }),
    checkpoint_weights: bool({
      default: true,
      description:
        'vilbert only: also declare BertBiOutput\'s q_dense1 (dim → Dv) and q_dense2 (dim → Dt). They are unused by the computation, present so checkpoints load 1:1 and parameter counts match the reference',
    }),
  },
  infer: ({ params, dims }) => {
    const [b, tv, tt, dv, dt] = [dims['B']!, dims['Tv']!, dims['Tt']!, dims['Dv']!, dims['Dt']!];
    if (params.dim % params.heads !== 0) {
      throw new NodeError(`width ${params.dim} is not divisible by ${params.heads} heads`, { param: 'dim' });
    }
    if (params.variant === 'lxmert' && typeof dv === 'number' && typeof dt === 'number' && dv !== dt) {
      throw new NodeError(
        `"t" has width ${dt} but "v" has ${dv}: the lxmert variant shares one attention module, so both streams need the same width`,
        { port: 't' },
      );
    }
    if (params.self_attention) {
      for (const [port, d] of [['v', dv], ['t', dt]] as [string, Dim][]) {
        if (typeof d === 'number' && d % params.heads !== 0) {
          throw new NodeError(`"${port}" width ${d} is not divisible by ${params.heads} heads, as self-attention needs`, { port });
        }
      }
    }
    return { v_out: [b, tv, dv], t_out: [b, tt, dt], v_attn: [b, params.heads, tv, tt], t_attn: [b, params.heads, tt, tv] };
  },
  weights: ({ params, dims, need }) => {
    const d = { v: need(dims['Dv'], 'the feature width of v'), t: need(dims['Dt'], 'the feature width of t') };
    const ffnWidth = { v: params.v_ffn, t: params.t_ffn };
    const n = names(params.variant);
    const out: Record<string, WeightSpec> = {};
    for (const s of ['v', 't'] as const) {
      const other = s === 'v' ? 't' : 'v';
      Object.assign(out, attnSpecs(n.cross[s], d[s], d[other], params.dim));
      // The reference builds these beside dense1/dense2 and never calls them in forward().
      if (params.variant === 'vilbert' && params.checkpoint_weights) {
        Object.assign(out, linearSpecs(s === 'v' ? 'biOutput.q_dense1.' : 'biOutput.q_dense2.', d[s], params.dim));
      }
      if (params.self_attention) Object.assign(out, attnSpecs(n.self[s], d[s], d[s], d[s]));
      if (params.ffn) {
        const f = n.ffn[s];
        Object.assign(out, linearSpecs(f.inter, ffnWidth[s], d[s]), linearSpecs(f.out, d[s], ffnWidth[s]), layerNormSpecs(f.ln, d[s]));
      }
    }
    return out;
  },
  flops: ({ params, dims, size }) => {
    const b = dims['B']!;
    const t = { v: dims['Tv']!, t: dims['Tt']! };
    const d = { v: size(dims['Dv']!), t: size(dims['Dt']!) };
    const ffnWidth = { v: params.v_ffn, t: params.t_ffn };
    let total = 0;
    for (const s of ['v', 't'] as const) {
      const other = s === 'v' ? 't' : 'v';
      const n = size(b) * size(t[s]);
      total += attentionFlops(size, b, t[s], t[other], d[s], d[other], params.dim, params.heads) + 9 * n * d[s];
      if (params.self_attention) total += attentionFlops(size, b, t[s], t[s], d[s], d[s], d[s], params.heads) + 9 * n * d[s];
      if (params.ffn) total += n * (4 * d[s] * ffnWidth[s] + ffnWidth[s] * (1 + ACTIVATION_FLOPS[params.activation]) + 10 * d[s]);
    }
    return total;
  },
  lower: ({ g, x, w, params, dims }) => {
    const n = names(params.variant);
    const { heads, eps } = params;
    const mask = { v: x['v_mask'], t: x['t_mask'] };
    // Both directions read the inputs from before the layer.
    const v1 = attnBlock(g, w, n.cross.v, x['v']!, x['t']!, mask.t, params.dim, heads, eps);
    const t1 = attnBlock(g, w, n.cross.t, x['t']!, x['v']!, mask.v, params.dim, heads, eps);
    let v = v1.y;
    let t = t1.y;
    if (params.self_attention) {
      v = attnBlock(g, w, n.self.v, v, v, mask.v, dims['Dv'] as number, heads, eps).y;
      t = attnBlock(g, w, n.self.t, t, t, mask.t, dims['Dt'] as number, heads, eps).y;
    }
    if (params.ffn) {
      v = ffnBlock(g, w, n.ffn.v, v, params.activation, eps);
      t = ffnBlock(g, w, n.ffn.t, t, params.activation, eps);
    }
    return { v_out: v, t_out: t, v_attn: v1.attn, t_attn: t1.attn };
  },
});
