import { NodeError, choice, defineNode, int, linearBound, tensor, float, type WeightSpec } from '@modalflow/core';
import { activation, layerNorm, linear } from '../lib/ops.ts';
import { i } from '@modalflow/onnx';
import '../lib/lowering.ts';

const VARIANTS = ['linear', 'mlp', 'gelu_ln', 'ln_gelu'] as const;

/**
 * Classification head over the last axis. Variants follow published heads:
 * - linear: y = W x + b
 * - mlp: Linear -> ReLU -> Linear
 * - gelu_ln: Linear -> GELU -> LayerNorm -> Linear (ViLBERT, LXMERT, UNITER VQA heads)
 * - ln_gelu: Linear -> LayerNorm -> GELU -> Linear (ViLT VQA head)
 * The BERT-style heads use LayerNorm eps 1e-12 (the default here); ViLT's head is a plain
 * nn.LayerNorm, eps 1e-5, so set `eps` to 1e-5 when loading ViLT weights.
 * Weight names are those of the equivalent torch.nn.Sequential (`0.weight`, `3.bias`, ...),
 * so a checkpoint's head maps on by renaming its prefix.
 */
export default defineNode({
  type: 'head.classifier',
  version: 1,
  category: 'heads',
  title: 'Classifier',
  views: { probabilities: { probs: {} } },
  doc: 'Maps features to class scores. Outputs raw logits and probabilities (softmax for one label per example, sigmoid for multi-label such as VQA soft scores).',
  formula: 'p = \\mathrm{softmax}(W_2\\, \\phi(W_1 x + b_1) + b_2)',
  source: 'ViLT / LXMERT / UNITER VQA heads (Hugging Face transformers)',
  inputs: { x: tensor('float32', null, { description: '[..., D]' }) },
  outputs: { logits: tensor('float32', null), probs: tensor('float32', null) },
  params: {
    classes: int({ default: 10, min: 1, description: 'Number of classes' }),
    variant: choice(VARIANTS, { default: 'linear', description: 'Layer layout' }),
    hidden: int({ default: 0, min: 0, description: 'Hidden width (0 = 2 × input width)' }),
    output: choice(['softmax', 'sigmoid'], { default: 'softmax', description: 'How probs are made from logits' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon (1e-12 for ViLBERT/LXMERT/UNITER, 1e-5 for ViLT)' }),
  },
  infer: ({ inputs, params }) => {
    const x = inputs['x']!;
    if (x.length < 1) throw new NodeError('input must have at least one axis', { port: 'x' });
    const out = [...x.slice(0, -1), params.classes];
    return { logits: out, probs: out };
  },
  weights: ({ inputs, params, need }): Record<string, WeightSpec> => {
    const d = need(inputs['x']!.at(-1), 'the last axis of x');
    const lin = (out: number, inp: number): [WeightSpec, WeightSpec] => [
      { shape: [out, inp], init: { kind: 'uniform', bound: linearBound(inp) } },
      { shape: [out], init: { kind: 'uniform', bound: linearBound(inp) } },
    ];
    if (params.variant === 'linear') {
      const [weight, bias] = lin(params.classes, d);
      return { weight, bias };
    }
    const h = params.hidden || 2 * d;
    const [w0, b0] = lin(h, d);
    const last = params.variant === 'mlp' ? 2 : 3;
    const [wl, bl] = lin(params.classes, h);
    const ln: Record<string, WeightSpec> =
      params.variant === 'mlp'
        ? {}
        : { [`${params.variant === 'gelu_ln' ? 2 : 1}.weight`]: { shape: [h], init: { kind: 'ones' } }, [`${params.variant === 'gelu_ln' ? 2 : 1}.bias`]: { shape: [h], init: { kind: 'zeros' } } };
    return { '0.weight': w0, '0.bias': b0, ...ln, [`${last}.weight`]: wl, [`${last}.bias`]: bl };
  },
  flops: ({ inputs, params, size }) => {
    const x = inputs['x']!;
    const rows = x.slice(0, -1).reduce<number>((a, d) => a * size(d), 1);
    const d = size(x.at(-1)!);
    if (params.variant === 'linear') return rows * params.classes * (2 * d + 1);
    const h = params.hidden || 2 * d;
    return rows * (h * (2 * d + 1) + 10 * h + params.classes * (2 * h + 1));
  },
  lower: ({ g, x, w, params }) => {
    let y: string;
    if (params.variant === 'linear') {
      y = linear(g, x['x']!, w['weight']!, w['bias']);
    } else {
      y = linear(g, x['x']!, w['0.weight']!, w['0.bias']);
      if (params.variant === 'mlp') y = activation(g, y, 'relu');
      if (params.variant === 'gelu_ln') y = layerNorm(g, activation(g, y, 'gelu'), w['2.weight']!, w['2.bias']!, params.eps);
      if (params.variant === 'ln_gelu') y = activation(g, layerNorm(g, y, w['1.weight']!, w['1.bias']!, params.eps), 'gelu');
      const last = params.variant === 'mlp' ? 2 : 3;
      y = linear(g, y, w[`${last}.weight`]!, w[`${last}.bias`]);
    }
    const probs = params.output === 'softmax' ? g.op('Softmax', [y], { axis: i(-1) }) : g.op('Sigmoid', [y]);
    return { logits: y, probs };
  },
});
