import { NodeError, bool, defineNode, float, int, tensor, type WeightSpec } from '@modalflow/core';
import { attentionFlops, attentionWeightSpecs, multiHeadAttention } from '../lib/attention.ts';
import { layerNorm } from '../lib/ops.ts';
import { MASK_DTYPES, layerNormSpecs } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

/**
 * Multi-head cross-attention of a query stream X [B, Tq, Dq] over a context C [B, Tk, Dc]:
 *   Q = X W_Q^T + b_Q, K = C W_K^T + b_K, V = C W_V^T + b_V, d_h = dim / H,
 *   A_h = softmax(Q_h K_h^T / sqrt(d_h) + M),  O = concat_h(A_h V_h) W_O^T + b_O,
 *   Y = LN(X + O)  (residual and LayerNorm each optional).
 * M adds a large negative number at masked context positions. Weight names as Hugging Face
 * CLIP/BART attention (q_proj, k_proj, v_proj, out_proj), plus `layer_norm`.
 * Source: Vaswani et al. 2017; the text-over-image cross-attention of ALBEF (Li et al. 2021).
 */
export default defineNode({
  type: 'fusion.cross_attention',
  version: 1,
  category: 'fusion',
  title: 'Cross-attention',
  views: { attention: ['attn'] },
  doc:
    'Lets every token of one modality (the queries, e.g. words) look at all tokens of another (the context, e.g. image patches) and gather what is relevant to it. ' +
    'Each head scores every query against every context token, turns the scores into weights that sum to 1 with a softmax, and averages the context with those weights. ' +
    'The weights come out as `attn`, so you can see which context tokens each query looked at; masked context tokens get weight 0. ' +
    'With `residual` and `layer_norm` on, the result is added back to the queries and normalised, as in a transformer layer.',
  formula:
    'A_h = \\mathrm{softmax}\\!\\left(\\frac{Q_h K_h^\\top}{\\sqrt{d_h}} + M\\right),\\quad Y = \\mathrm{LN}\\big(X + \\mathrm{concat}_h(A_h V_h)\\, W_O + b_O\\big)',
  source: 'Vaswani et al. 2017, Attention Is All You Need; Li et al. 2021, ALBEF (text-over-image cross-attention)',
  inputs: {
    x: tensor('float32', ['B', 'Tq', 'Dq'], { description: 'Query stream' }),
    context: tensor('float32', ['B', 'Tk', 'Dc'], { description: 'Context stream the queries attend over' }),
    mask: tensor(MASK_DTYPES, ['B', 'Tk'], { optional: true, description: 'Context keep-mask (1 = attend, 0 = ignore)' }),
  },
  outputs: {
    y: tensor('float32', ['B', 'Tq', 'Dq'], { description: 'Updated query stream' }),
    attn: tensor('float32', ['B', 'heads', 'Tq', 'Tk'], { description: 'Attention weights per head; each row sums to 1 over the context' }),
  },
  params: {
    dim: int({ default: 0, min: 0, description: 'Attention width (0 = the query width Dq); must be divisible by heads' }),
    heads: int({ default: 8, min: 1, description: 'Number of attention heads' }),
    residual: bool({ default: true, description: 'Add the queries back to the attention output' }),
    layer_norm: bool({ default: true, description: 'Apply LayerNorm to the result (post-LN, as BERT/ALBEF)' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon (BERT uses 1e-12)' }),
  },
  infer: ({ params, dims }) => {
    const dim = params.dim || dims['Dq']!;
    if (typeof dim === 'number' && dim % params.heads !== 0) {
      throw new NodeError(`attention width ${dim} is not divisible by ${params.heads} heads`, { param: params.dim ? 'dim' : 'heads' });
    }
    const [b, tq, dq, tk] = [dims['B']!, dims['Tq']!, dims['Dq']!, dims['Tk']!];
    return { y: [b, tq, dq], attn: [b, params.heads, tq, tk] };
  },
  weights: ({ params, dims, need }): Record<string, WeightSpec> => {
    const dq = need(dims['Dq'], 'the feature width of x');
    const dc = need(dims['Dc'], 'the feature width of context');
    return {
      ...attentionWeightSpecs('', dq, dc, params.dim || dq),
      ...(params.layer_norm ? layerNormSpecs('layer_norm.', dq) : {}),
    };
  },
  flops: ({ params, dims, size }) => {
    const dq = size(dims['Dq']!);
    const n = size(dims['B']!) * size(dims['Tq']!) * dq;
    const attn = attentionFlops(size, dims['B']!, dims['Tq']!, dims['Tk']!, dq, size(dims['Dc']!), params.dim || dq, params.heads);
    return attn + (params.residual ? n : 0) + (params.layer_norm ? 8 * n : 0);
  },
  lower: ({ g, x, w, params, dims }) => {
    const { out, weights } = multiHeadAttention(g, {
      query: x['x']!,
      context: x['context']!,
      dim: params.dim || (dims['Dq'] as number),
      heads: params.heads,
      w,
      prefix: '',
      keyMask: x['mask'],
    });
    let y = params.residual ? g.op('Add', [x['x']!, out]) : out;
    if (params.layer_norm) y = layerNorm(g, y, w['layer_norm.weight']!, w['layer_norm.bias']!, params.eps);
    return { y, attn: weights };
  },
});
