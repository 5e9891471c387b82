import { choice, defineNode, float, int, tensor, type WeightSpec } from '@modalflow/core';
import { BERT_INIT, predictionTransform, transformWeightSpecs } from '../lib/head-ops.ts';
import { ACTIVATIONS, ACTIVATION_FLOPS, linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * BERT's masked-language-model head (`BertLMPredictionHead`, also LXMERT's and ViLT's):
 *   h = LN(act(x W_d^T + b_d)),  logits = h E^T + b
 * with `transform.dense` [D, D], `transform.LayerNorm` [D], `decoder.weight` E [V, D] and the
 * output `bias` [V], named as in the Hugging Face state_dict under `cls.predictions.`.
 * BERT ties E to the word embedding table; connecting `table` does that here, and then the
 * node has no `decoder.weight` of its own.
 */
export default defineNode({
  type: 'head.masked_lm',
  version: 1,
  category: 'heads',
  title: 'Masked LM head',
  doc:
    'Predicts a word for every position from its hidden state, as BERT does for masked language modelling: a dense layer, an activation and a layer norm, then scores over the whole vocabulary. Connect the token embedding table to `table` to share it as the output matrix (weight tying, as BERT, ViLT and LXMERT do); otherwise the head learns its own `decoder.weight`.',
  formula: 'h = \\mathrm{LN}(\\mathrm{gelu}(W_d x + b_d)),\\quad \\ell = E h + b',
  source: 'Devlin et al. 2019 (BERT); Hugging Face BertLMPredictionHead / LxmertLMPredictionHead / ViltMLMHead',
  inputs: {
    hidden: tensor('float32', ['B', 'T', 'D'], { description: 'Hidden states [B, T, D]' }),
    table: tensor('float32', ['vocab', 'D'], { optional: true, description: 'Token embedding table [V, D] to tie the decoder to' }),
  },
  outputs: { logits: tensor('float32', ['B', 'T', 'vocab'], { description: 'Vocabulary scores [B, T, V]' }) },
  params: {
    vocab: int({ default: 30522, min: 1, description: 'Vocabulary size V (30522 for BERT uncased); must match table when tied' }),
    activation: choice(ACTIVATIONS, { default: 'gelu', description: 'Activation of the transform (gelu in BERT)' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon (1e-12 in BERT)' }),
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['hidden']![2], 'the width of hidden');
    const out: Record<string, WeightSpec> = transformWeightSpecs('transform.', d);
    if (!inputs['table']) out['decoder.weight'] = { shape: [params.vocab, d], init: BERT_INIT };
    out['bias'] = { shape: [params.vocab], init: { kind: 'zeros' } };
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const [b, t, d] = inputs['hidden']!.map(size) as [number, number, number];
    return b * t * (d * (2 * d + 1) + d * ACTIVATION_FLOPS[params.activation] + 8 * d + params.vocab * (2 * d + 1));
  },
  lower: ({ g, x, w, params }) => {
    const h = predictionTransform(g, x['hidden']!, w, 'transform.', params.activation, params.eps);
    return { logits: linear(g, h, x['table'] ?? w['decoder.weight']!, w['bias']) };
  },
});
