import { defineNode, int, linearBound, tensor, type WeightSpec } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { MASK_VALUE } from '../lib/attention.ts';
import { maskToFloat } from '../lib/loss-ops.ts';
import { linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Stacked attention network (Yang, He, Gao, Deng, Smola 2016, eqs. 15-19). Per hop k, with
 * u_0 the question vector and V the image regions:
 *   h_A = tanh(W_I V ⊕ (W_Q u_{k-1} + b_A))     W_I, W_Q [A, D]; ⊕ adds the question to every region
 *   p   = softmax(W_P h_A + b_P)                 W_P [1, A]: one weight per region
 *   ṽ   = Σ_i p_i v_i,   u_k = ṽ + u_{k-1}
 * Each hop has its own weights, under `hops.<k>.` (`image` without bias as in the paper,
 * `question` with b_A, `attention` = W_P, b_P). This is additive (Bahdanau-style) attention,
 * not scaled dot-product, so it does not go through lib/attention.ts's multi-head attention;
 * padded regions are hidden with the same additive MASK_VALUE.
 */
export default defineNode({
  type: 'reasoning.san',
  version: 1,
  category: 'reasoning',
  title: 'Stacked attention (SAN)',
  views: { attention: ['attention'] },
  doc:
    'Answers a question by looking at the image several times. In each hop the question vector scores every image region through a small tanh layer, the regions are averaged with those softmax weights, and the result is added to the question vector, which becomes the query of the next hop, so later hops can focus more sharply. Outputs the refined query and the last hop\'s attention map.',
  formula: 'h_A = \\tanh(W_I V \\oplus (W_Q u_{k-1} + b_A)),\\; p = \\mathrm{softmax}(W_P h_A + b_P),\\; u_k = \\textstyle\\sum_i p_i v_i + u_{k-1}',
  source: 'Yang et al. 2016, Stacked Attention Networks for Image Question Answering (CVPR)',
  inputs: {
    question: tensor('float32', ['B', 'D'], { description: 'Question vector u_0 [B, D]' }),
    regions: tensor('float32', ['B', 'N', 'D'], { description: 'Image region features V [B, N, D], same width as the question' }),
    mask: tensor(['bool', 'int64', 'int32', 'float32'], ['B', 'N'], { optional: true, description: 'Regions to attend to [B, N]; 0 hides a padded region' }),
  },
  outputs: {
    u: tensor('float32', ['B', 'D'], { description: 'Refined query after the last hop' }),
    attention: tensor('float32', ['B', 'N'], { description: 'Attention over the regions in the last hop' }),
  },
  params: {
    hops: int({ default: 2, min: 1, max: 16, description: 'Number of attention layers (2 in the paper)' }),
    attention: int({ default: 512, min: 1, description: 'Width A of the attention layer h_A' }),
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['question']![1], 'the width of question');
    const a = params.attention;
    const out: Record<string, WeightSpec> = {};
    for (let k = 0; k < params.hops; k++) {
      const p = `hops.${k}.`;
      out[`${p}image.weight`] = { shape: [a, d], init: { kind: 'uniform', bound: linearBound(d) } };
      out[`${p}question.weight`] = { shape: [a, d], init: { kind: 'uniform', bound: linearBound(d) } };
      out[`${p}question.bias`] = { shape: [a], init: { kind: 'uniform', bound: linearBound(d) } };
      out[`${p}attention.weight`] = { shape: [1, a], init: { kind: 'uniform', bound: linearBound(a) } };
      out[`${p}attention.bias`] = { shape: [1], init: { kind: 'uniform', bound: linearBound(a) } };
    }
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const [b, n, d] = inputs['regions']!.map(size) as [number, number, number];
    const a = params.attention;
    const hop = b * (2 * n * d * a + 2 * d * a + 7 * n * a + 5 * n + 2 * n * d + d);
    return params.hops * hop;
  },
  lower: ({ g, x, w, params }) => {
    const v = x['regions']!;
    let u = x['question']!;
    const hidden = x['mask'] ? g.op('Mul', [g.op('Sub', [g.scalarFloat(1), maskToFloat(g, x['mask'])]), g.scalarFloat(MASK_VALUE)]) : undefined;
    let p = '';
    for (let k = 0; k < params.hops; k++) {
      const pre = `hops.${k}.`;
      const hv = linear(g, v, w[`${pre}image.weight`]!); // [B, N, A]
      const hq = linear(g, u, w[`${pre}question.weight`]!, w[`${pre}question.bias`]); // [B, A]
      const hA = g.op('Tanh', [g.op('Add', [hv, g.op('Unsqueeze', [hq, g.constInt64([1])])])]);
      let scores = g.op('Squeeze', [linear(g, hA, w[`${pre}attention.weight`]!, w[`${pre}attention.bias`]), g.constInt64([2])]);
      if (hidden) scores = g.op('Add', [scores, hidden]);
      p = g.op('Softmax', [scores], { axis: i(-1) }); // [B, N]
      const attended = g.op('Squeeze', [g.op('MatMul', [g.op('Unsqueeze', [p, g.constInt64([1])]), v]), g.constInt64([1])]);
      u = g.op('Add', [attended, u]);
    }
    return { u, attention: p };
  },
});
