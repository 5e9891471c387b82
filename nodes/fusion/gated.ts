import { bool, choice, defineNode, int, tensor, type WeightSpec } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { linear } from '../lib/ops.ts';
import { connected, linearSpecs, rows, sharedLeadingAxes } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

/**
 * Gated multimodal unit (Arevalo et al. 2017, "Gated Multimodal Units for Information
 * Fusion", ICLR workshop), with a = x_v and b = x_t of the paper:
 *   h_a = tanh(W_a x_a),  h_b = tanh(W_b x_b),  z = sigmoid(W_z [x_a ; x_b]),
 *   h = z ⊙ h_a + (1 - z) ⊙ h_b
 * The paper's equations have no biases; `bias` adds them.
 * gate_input `projected` is the authors' code (johnarevalo/gmu-mmimdb, model.py,
 * `GatedBimodal.apply`): the gate reads the two projections before the tanh,
 *   z = sigmoid(W_z [W_a x_a ; W_b x_b]),  W_z [dim, 2·dim]
 * (there `x.dot(W)` with W of shape (2·dim, dim)), a much smaller gate than the paper's.
 */
export default defineNode({
  type: 'fusion.gated',
  version: 1,
  category: 'fusion',
  title: 'Gated fusion (GMU)',
  doc:
    'Learns, feature by feature, how much to trust each modality. Each input is mapped to `dim` features with tanh; a gate z between 0 and 1, computed from both inputs together, mixes them: ' +
    'z near 1 takes the first modality, z near 0 the second. The gate is an output too, so you can see which modality the model relies on. ' +
    'With `gate_input` = projected the gate looks at the two `dim`-wide projections instead of the raw inputs, as the authors\' code does: a gate of 2·dim × dim weights instead of (Da + Db) × dim.',
  formula:
    'h_a = \\tanh(W_a x_a),\\; h_b = \\tanh(W_b x_b),\\; z = \\sigma(W_z [x_a ; x_b]),\\; h = z \\odot h_a + (1 - z) \\odot h_b',
  source: 'Arevalo et al. 2017, Gated Multimodal Units for Information Fusion (ICLR workshop; johnarevalo/gmu-mmimdb)',
  inputs: {
    a: tensor('float32', null, { description: 'First modality [..., Da] (x_v in the paper)' }),
    b: tensor('float32', null, { description: 'Second modality [..., Db] (x_t in the paper)' }),
  },
  outputs: {
    h: tensor('float32', null, { description: 'Fused features [..., dim]' }),
    z: tensor('float32', null, { description: 'Gate [..., dim]: weight given to the first modality' }),
  },
  params: {
    dim: int({ default: 256, min: 1, description: 'Width of the fused features and of the gate' }),
    bias: bool({ default: false, description: 'Add biases to the three linear maps (the paper has none)' }),
    gate_input: choice(['raw', 'projected'], {
      default: 'raw',
      description: 'What the gate reads: the raw inputs [a ; b] (paper) or the projections [W_a a ; W_b b] before the tanh (reference code)',
    }),
  },
  infer: ({ inputs, params }) => {
    const shape = [...sharedLeadingAxes(connected(inputs, ['a', 'b'])), params.dim];
    return { h: shape, z: shape };
  },
  weights: ({ inputs, params, need }): Record<string, WeightSpec> => {
    const da = need(inputs['a']!.at(-1), 'the last axis of a');
    const db = need(inputs['b']!.at(-1), 'the last axis of b');
    return {
      ...linearSpecs('proj_a.', params.dim, da, params.bias),
      ...linearSpecs('proj_b.', params.dim, db, params.bias),
      ...linearSpecs('gate.', params.dim, params.gate_input === 'projected' ? 2 * params.dim : da + db, params.bias),
    };
  },
  flops: ({ inputs, params, size }) => {
    const n = rows(inputs['a']!, size);
    const da = size(inputs['a']!.at(-1)!);
    const db = size(inputs['b']!.at(-1)!);
    // Three matmuls (a, b, and the gate's input), two tanh, one sigmoid, sub/mul/add.
    const gateIn = params.gate_input === 'projected' ? 2 * params.dim : da + db;
    const mm = n * params.dim * (2 * (da + db) + 2 * gateIn + (params.bias ? 3 : 0));
    return mm + n * params.dim * (4 + 4 + 4 + 3);
  },
  lower: ({ g, x, w, params }) => {
    const pa = linear(g, x['a']!, w['proj_a.weight']!, w['proj_a.bias']);
    const pb = linear(g, x['b']!, w['proj_b.weight']!, w['proj_b.bias']);
    const ha = g.op('Tanh', [pa]);
    const hb = g.op('Tanh', [pb]);
    const both = params.gate_input === 'projected'
      ? g.op('Concat', [pa, pb], { axis: i(-1) })
      : g.op('Concat', [x['a']!, x['b']!], { axis: i(-1) });
    const z = g.op('Sigmoid', [linear(g, both, w['gate.weight']!, w['gate.bias'])]);
    // z ⊙ h_a + (1 - z) ⊙ h_b written as h_b + z ⊙ (h_a - h_b): one product instead of two.
    const h = g.op('Add', [hb, g.op('Mul', [z, g.op('Sub', [ha, hb])])]);
    return { h, z };
  },
});
