import { choice, defineNode, tensor } from '@modalflow/core';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation } from '../lib/ops.ts';
import '../lib/lowering.ts';

/** Element-wise non-linearity. */
export default defineNode({
  type: 'layer.activation',
  version: 1,
  category: 'layers',
  title: 'Activation',
  doc: 'Element-wise non-linearity: ReLU, GELU (exact erf form, or the tanh approximation), quick GELU x·σ(1.702x) as in CLIP, tanh, sigmoid, SiLU.',
  formula: '\\mathrm{GELU}(x) = \\tfrac{x}{2}\\left(1 + \\mathrm{erf}(x/\\sqrt{2})\\right),\\quad \\mathrm{QuickGELU}(x) = x\\,\\sigma(1.702x)',
  source: 'Hendrycks & Gimpel 2016 (GELU); OpenAI CLIP (quick GELU)',
  inputs: { x: tensor('float32', null) },
  outputs: { y: tensor('float32', null) },
  params: { fn: choice(ACTIVATIONS, { default: 'gelu', description: 'Function' }) },
  infer: ({ inputs }) => ({ y: inputs['x']! }),
  flops: ({ inputs, params, size }) => ACTIVATION_FLOPS[params.fn] * inputs['x']!.reduce<number>((a, d) => a * size(d), 1),
  lower: ({ g, x, params }) => ({ y: activation(g, x['x']!, params.fn) }),
});
