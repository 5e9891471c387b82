import { NodeError, defineNode, int, ints, linearBound, tensor, type WeightSpec } from '@modalflow/core';
import { maskToFloat, reduceSum } from '../lib/loss-ops.ts';
import { linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Relation network (Santoro et al. 2017):
 *   RN(O, q) = f_φ( Σ_{i,j} m_i m_j g_θ([o_i ; o_j ; q]) )
 * over all N² ordered pairs, i == j included, as in the paper. g_θ is a ReLU MLP (`g.0`,
 * `g.2`, ... as an nn.Sequential of Linear and ReLU), f_φ is ReLU hidden layers then a final
 * linear layer (`f.0`, ..., `f.<2L>`). The first g layer's weight [H, 2D + Dq] splits into
 * the columns for o_i, o_j and q, so g's first layer is computed as W_a o_i + W_b o_j + W_c q + b
 * from three small products instead of on an [N², 2D + Dq] pair tensor: the same numbers,
 * N times less work in that layer. The optional mask m drops pairs involving padded objects.
 */
export default defineNode({
  type: 'reasoning.relation',
  version: 1,
  category: 'reasoning',
  title: 'Relation network',
  doc:
    'Reasons about relations between objects: one small network g looks at every ordered pair of objects (together with the question, if given) and says how they relate; the answers for all pairs are added up and a second network f turns the sum into the output. Because of the sum, the order of the objects does not matter.',
  formula: '\\mathrm{RN}(O, q) = f_\\phi\\Big(\\sum_{i,j} g_\\theta(o_i, o_j, q)\\Big)',
  source: 'Santoro et al. 2017, A simple neural network module for relational reasoning (NeurIPS)',
  inputs: {
    objects: tensor('float32', ['B', 'N', 'D'], { description: 'Object features O [B, N, D] (regions, CNN cells)' }),
    question: tensor('float32', ['B', 'Dq'], { optional: true, description: 'Question embedding q [B, Dq], appended to every pair' }),
    mask: tensor(['bool', 'int64', 'int32', 'float32'], ['B', 'N'], { optional: true, description: 'Objects that exist [B, N]; pairs with a 0 are left out' }),
  },
  outputs: {
    out: tensor('float32', ['B', 'out'], { description: 'f_φ of the summed relations [B, out]' }),
    relations: tensor('float32', ['B', 'R'], { description: 'Σ_{i,j} g_θ(o_i, o_j, q) [B, R], R the last g width' }),
  },
  params: {
    g_layers: ints({ default: [256, 256, 256, 256], min: 1, description: 'Widths of g_θ\'s layers, each Linear + ReLU (4 × 256 in the paper)' }),
    f_layers: ints({ default: [256, 256], min: 1, description: 'Hidden widths of f_φ, each Linear + ReLU' }),
    out: int({ default: 29, min: 1, description: 'Output width of f_φ\'s final linear layer (29 CLEVR answers in the paper)' }),
  },
  infer: ({ inputs, params }) => {
    if (params.g_layers.length === 0) throw new NodeError('g_layers needs at least one layer', { param: 'g_layers' });
    const [b] = inputs['objects']!;
    return { out: [b!, params.out], relations: [b!, params.g_layers.at(-1)!] };
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['objects']![2], 'the width of objects');
    const dq = inputs['question'] ? need(inputs['question'][1], 'the width of question') : 0;
    const out: Record<string, WeightSpec> = {};
    const lin = (name: string, o: number, inp: number) => {
      out[`${name}.weight`] = { shape: [o, inp], init: { kind: 'uniform', bound: linearBound(inp) } };
      out[`${name}.bias`] = { shape: [o], init: { kind: 'uniform', bound: linearBound(inp) } };
    };
    let width = 2 * d + dq;
    params.g_layers.forEach((h, k) => {
      lin(`g.${2 * k}`, h, width);
      width = h;
    });
    params.f_layers.forEach((h, k) => {
      lin(`f.${2 * k}`, h, width);
      width = h;
    });
    lin(`f.${2 * params.f_layers.length}`, params.out, width);
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const [b, n, d] = inputs['objects']!.map(size) as [number, number, number];
    const dq = inputs['question'] ? size(inputs['question'][1]!) : 0;
    const [h0, ...rest] = params.g_layers;
    let total = b * (2 * 2 * n * d * h0! + 2 * dq * h0! + 3 * n * n * h0!);
    let width = h0!;
    for (const h of rest) {
      total += b * n * n * h * (2 * width + 2);
      width = h;
    }
    total += b * n * n * width;
    for (const h of [...params.f_layers, params.out]) {
      total += b * h * (2 * width + 2);
      width = h;
    }
    return total;
  },
  lower: ({ g, x, w, params, inputs }) => {
    const o = x['objects']!;
    const d = inputs['objects']![2] as number;
    const cols = (weight: string, from: number, to: number) =>
      g.op('Slice', [weight, g.constInt64([from]), g.constInt64([to]), g.constInt64([1])]); // axes [1]: columns
    const w0 = w['g.0.weight']!;
    const a = linear(g, o, cols(w0, 0, d)); // W_a o_i  [B, N, H]
    const bj = linear(g, o, cols(w0, d, 2 * d)); // W_b o_j  [B, N, H]
    const pairs = g.op('Add', [g.op('Unsqueeze', [a, g.constInt64([2])]), g.op('Unsqueeze', [bj, g.constInt64([1])])]); // [B, N, N, H]
    let shared = w['g.0.bias']!;
    if (x['question']) {
      const dq = inputs['question']![1] as number;
      const cq = linear(g, x['question'], cols(w0, 2 * d, 2 * d + dq), w['g.0.bias']); // [B, H]
      shared = g.op('Unsqueeze', [cq, g.constInt64([1, 2])]);
    }
    let h = g.op('Relu', [g.op('Add', [pairs, shared])]);
    for (let k = 1; k < params.g_layers.length; k++) {
      h = g.op('Relu', [linear(g, h, w[`g.${2 * k}.weight`]!, w[`g.${2 * k}.bias`])]);
    }
    if (x['mask']) {
      const m = maskToFloat(g, x['mask']);
      const both = g.op('Mul', [g.op('Unsqueeze', [m, g.constInt64([2])]), g.op('Unsqueeze', [m, g.constInt64([1])])]); // [B, N, N]
      h = g.op('Mul', [h, g.op('Unsqueeze', [both, g.constInt64([3])])]);
    }
    const relations = reduceSum(g, h, [1, 2]);
    let y = relations;
    params.f_layers.forEach((_, k) => {
      y = g.op('Relu', [linear(g, y, w[`f.${2 * k}.weight`]!, w[`f.${2 * k}.bias`])]);
    });
    const last = 2 * params.f_layers.length;
    return { out: linear(g, y, w[`f.${last}.weight`]!, w[`f.${last}.bias`]), relations };
  },
});
