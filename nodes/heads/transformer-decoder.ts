import { NodeError, bool, choice, defineNode, float, int, tensor, type Shape } from '@modalflow/core';
import { ACTIVATIONS } from '../lib/ops.ts';
import { NORM_PLACEMENTS, transformerLayerFlops } from '../lib/transformer.ts';
import { decoderLayerConfig, decoderWeightSpecs, lowerCrossKeyValues, lowerDecoder, lowerDecoderStep, type DecoderParams } from '../lib/decoder.ts';
import '../lib/lowering.ts';

function crossDim(inputs: Record<string, Shape | undefined>, need: (d: Shape[number] | undefined, what: string) => number): number | undefined {
  const m = inputs['memory'];
  return m ? need(m[2], 'the width of memory') : undefined;
}

/**
 * Transformer decoder (Vaswani et al. 2017), in GPT-2's layer order with an optional
 * cross-attention sublayer as Hugging Face's GPT-2 with `add_cross_attention` (the decoder of
 * VisionEncoderDecoder image captioners):
 *   h_0 = E[w_t] + P[t]
 *   pre:  h = h + SA_causal(LN1 h);  [h = h + CA(LNc h, m);]  h = h + FFN(LN2 h);  logits = LN_f(h) W^T
 *   post: h = LN1(h + SA_causal(h)); [h = LNc(h + CA(h, m));]  h = LN2(h + FFN(h)); logits = h W^T
 * with W = E when the embeddings are tied.
 */
export default defineNode({
  type: 'decoder.transformer',
  version: 1,
  category: 'heads',
  title: 'Transformer decoder',
  doc:
    'Writes text one token at a time. Each token looks only at the tokens before it (causal self-attention), may read an encoder\'s states such as image patches (cross-attention, when `memory` is connected), and the last layer scores every vocabulary word as the next token (`logits`). ' +
    'Trained with teacher forcing: feed the caption so far to `ids` and compare `logits` with the caption shifted by one. ' +
    'To generate, wire `logits` to a Generate node: it runs this decoder step by step, keeping each layer\'s keys and values (the KV cache) so earlier tokens are not recomputed. ' +
    'The defaults are GPT-2 small (12 layers, width 768, 12 heads, vocabulary 50257, 1024 positions, tied embeddings); with memory connected that is the decoder of ViT-GPT2 captioners.',
  formula:
    'h_0 = E[w_t] + P_t;\\; h \\leftarrow h + \\mathrm{SA}_{\\text{causal}}(\\mathrm{LN}_1 h);\\; [h \\leftarrow h + \\mathrm{CA}(\\mathrm{LN}_c h, m)];\\; h \\leftarrow h + \\mathrm{FFN}(\\mathrm{LN}_2 h);\\; \\ell = \\mathrm{LN}_f(h)\\,E^\\top',
  source: 'Vaswani et al. 2017; Radford et al. 2019 (GPT-2); Hugging Face transformers GPT2LMHeadModel with add_cross_attention and VisionEncoderDecoderModel',
  inputs: {
    ids: tensor(['int64', 'int32'], ['B', 'T'], { description: 'Token ids so far [B, T] (teacher forcing: the caption without its last token)' }),
    memory: tensor('float32', ['B', 'S', 'Dm'], { optional: true, description: 'Encoder states to cross-attend to [B, S, Dm] (image patches, audio frames)' }),
  },
  outputs: {
    logits: tensor('float32', ['B', 'T', 'vocab'], { description: 'Next-token scores at every position [B, T, vocab]' }),
  },
  params: {
    vocab: int({ default: 50257, min: 1, description: 'Vocabulary size (GPT-2 50257)' }),
    dim: int({ default: 768, min: 1, description: 'Model width' }),
    layers: int({ default: 12, min: 1, max: 128, description: 'Decoder layers' }),
    heads: int({ default: 12, min: 1, description: 'Attention heads; must divide dim' }),
    mlp_dim: int({ default: 3072, min: 1, description: 'FFN hidden width' }),
    max_positions: int({ default: 1024, min: 1, description: 'Longest sequence (prompt plus generated tokens) the position table covers' }),
    norm: choice(NORM_PLACEMENTS, { default: 'pre', description: 'LayerNorm before each sublayer plus a final one (pre: GPT-2) or after each residual sum (post: original Transformer, BART)' }),
    activation: choice(ACTIVATIONS, { default: 'gelu_tanh', description: 'FFN activation (GPT-2: gelu_tanh)' }),
    eps: float({ default: 1e-5, min: 0, max: 1, description: 'LayerNorm epsilon' }),
    tie_embeddings: bool({ default: true, description: 'Score words with the input embedding table (GPT-2) instead of a separate lm_head' }),
  },
  infer: ({ inputs, params: p }) => {
    if (p.dim % p.heads !== 0) throw new NodeError(`dim ${p.dim} is not divisible by ${p.heads} heads`);
    const [b, t] = inputs['ids']!;
    if (typeof t === 'number' && t > p.max_positions) throw new NodeError(`sequence length ${t} exceeds max_positions ${p.max_positions}`, { port: 'ids' });
    return { logits: [b!, t!, p.vocab] };
  },
  weights: ({ inputs, params, need }) => decoderWeightSpecs(params as DecoderParams, crossDim(inputs, need)),
  flops: ({ inputs, params: p, size }) => {
    const [b, t] = inputs['ids']!;
    const m = inputs['memory'];
    const c = decoderLayerConfig(p as DecoderParams, m ? size(m[2]!) : undefined);
    const layer = transformerLayerFlops(size, b!, t!, c, m?.[1]);
    return p.layers * layer + 2 * size(b!) * size(t!) * p.dim * p.vocab;
  },
  lower: ({ g, x, w, params, inputs, size }) => {
    const m = inputs['memory'];
    return { logits: lowerDecoder(g, x['ids']!, x['memory'], w, params as DecoderParams, m ? size(m[2]!) : undefined) };
  },
  decoderStep: {
    cache: (p) => ({ layers: p.layers, heads: p.heads, headDim: p.dim / p.heads }),
    lower: ({ g, x, w, params, past, cross }) => lowerDecoderStep(g, x['ids']!, x['memory'], w, params as DecoderParams, past, cross),
    cross: ({ g, x, w, params }) => lowerCrossKeyValues(g, x['memory']!, w, params as DecoderParams),
  },
});
