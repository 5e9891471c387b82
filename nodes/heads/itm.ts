import { defineNode, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { BERT_INIT } from '../lib/head-ops.ts';
import { linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Image-text matching head: a two-way classifier on the pooled multimodal vector,
 *   logits = x W^T + b,  W [2, D],  p = softmax(logits),  match = p_1.
 * Class 1 means "the text describes the image" and class 0 "it does not", the labels ALBEF
 * (`itm_head`), UNITER (`itm_output`), LXMERT (`seq_relationship`) and ViLT (`itm_score.fc`)
 * train with.
 */
export default defineNode({
  type: 'head.itm',
  version: 1,
  category: 'heads',
  title: 'Image-text matching',
  views: { probabilities: { probs: { classNames: ['no match', 'match'] } } },
  doc:
    'Decides whether a text belongs to an image from one pooled multimodal vector (the pooler output of a fusion encoder). A linear layer gives two scores: class 0 "no match" and class 1 "match"; `match` is the probability of class 1.',
  formula: '\\ell = W x + b \\in \\mathbb{R}^2,\\; p = \\mathrm{softmax}(\\ell),\\; \\mathrm{match} = p_1',
  source: 'ALBEF itm_head, UNITER itm_output, LXMERT seq_relationship (Linear(768, 2))',
  inputs: { x: tensor('float32', ['B', 'D'], { description: 'Pooled multimodal features [B, D]' }) },
  outputs: {
    logits: tensor('float32', ['B', 2], { description: 'Scores for no-match (0) and match (1)' }),
    probs: tensor('float32', ['B', 2], { description: 'Softmax of the logits' }),
    match: tensor('float32', ['B'], { description: 'Probability that the pair matches' }),
  },
  weights: ({ inputs, need }) => {
    const d = need(inputs['x']![1], 'the width of x');
    return { weight: { shape: [2, d], init: BERT_INIT }, bias: { shape: [2], init: { kind: 'zeros' } } };
  },
  flops: ({ inputs, size }) => {
    const [b, d] = inputs['x']!.map(size) as [number, number];
    return b * 2 * (2 * d + 1) + b * 2 * 5;
  },
  lower: ({ g, x, w }) => {
    const logits = linear(g, x['x']!, w['weight']!, w['bias']);
    const probs = g.op('Softmax', [logits], { axis: i(-1) });
    const match = g.op('Gather', [probs, g.scalarInt64(1)], { axis: i(1) });
    return { logits, probs, match };
  },
});
