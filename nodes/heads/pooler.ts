import { NodeError, choice, defineNode, int, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { BERT_INIT } from '../lib/head-ops.ts';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * BERT pooler (`BertPooler`): the hidden state of one token, usually the first ([CLS]),
 * through a dense layer and tanh:  pooled = tanh(W h_index + b),  W = `dense.weight` [out, D].
 * ViLT and LXMERT pool the same way; ViLBERT's poolers use ReLU and widen 768 -> 1024, which the
 * `activation` and `out` params cover.
 */
export default defineNode({
  type: 'head.pooler',
  version: 1,
  category: 'heads',
  title: 'Pooler (BERT)',
  doc:
    'Turns a sequence into one vector the way BERT does: it takes the hidden state of a single token (position `index`, by default the first, [CLS]) and passes it through a dense layer and tanh. A negative index counts from the end.',
  formula: '\\mathrm{pooled} = \\tanh(W\\, h_{\\mathrm{index}} + b)',
  source: 'Devlin et al. 2019 (BERT); Hugging Face BertPooler, ViltPooler, LxmertPooler; ViLBERT BertTextPooler/BertImagePooler',
  inputs: { hidden: tensor('float32', ['B', 'T', 'D'], { description: 'Hidden states [B, T, D]' }) },
  outputs: { pooled: tensor('float32', ['B', 'out'], { description: 'Pooled vector [B, out]' }) },
  params: {
    index: int({ default: 0, description: 'Position of the token to pool (0 = first, -1 = last)' }),
    out: int({ default: 0, min: 0, description: 'Output width (0 = the hidden width D)' }),
    activation: choice(ACTIVATIONS, { default: 'tanh', description: 'Nonlinearity after the dense layer (tanh in BERT/ViLT/LXMERT, relu in ViLBERT)' }),
  },
  infer: ({ inputs, params }) => {
    const [b, t, d] = inputs['hidden']!;
    if (typeof t === 'number' && (params.index >= t || params.index < -t)) {
      throw new NodeError(`index ${params.index} is outside the ${t} tokens of "hidden"`, { port: 'hidden' });
    }
    return { pooled: [b!, params.out || d!] };
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['hidden']![2], 'the width of hidden');
    const out = params.out || d;
    return { 'dense.weight': { shape: [out, d], init: BERT_INIT }, 'dense.bias': { shape: [out], init: { kind: 'zeros' } } };
  },
  flops: ({ inputs, outputs, params, size }) => {
    const b = size(inputs['hidden']![0]!);
    const d = size(inputs['hidden']![2]!);
    const out = size(outputs['pooled']![1]!);
    return b * out * (2 * d + 1 + ACTIVATION_FLOPS[params.activation]);
  },
  lower: ({ g, x, w, params }) => {
    const token = g.op('Gather', [x['hidden']!, g.scalarInt64(params.index)], { axis: i(1) });
    return { pooled: activation(g, linear(g, token, w['dense.weight']!, w['dense.bias']), params.activation) };
  },
});
