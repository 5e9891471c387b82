import { NodeError, bool, defineNode, int, linearBound, tensor, type WeightSpec } from '@modalflow/core';
import { i, ints, s } from '@modalflow/onnx';
import type { OnnxGraph } from '../lib/lowering.ts';
import { MASK_DTYPES } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997) with torch.nn.LSTM's equations and
 * weights (batch_first), for each layer and direction:
 *   i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)     f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
 *   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)  o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,                   h_t = o_t ⊙ tanh(c_t),   h_0 = c_0 = 0.
 * `weight_ih_l{k}` [4H, in] stacks the gates in PyTorch's order (i, f, g, o); layer k > 0 reads
 * the previous layer's outputs (both directions concatenated when bidirectional). It lowers
 * to the ONNX LSTM op, whose gate order is (i, o, f, c), with W = the reordered weight_ih,
 * R = the reordered weight_hh and B = [b_ih ; b_hh], per direction.
 *
 * With `mask` (or `lengths`), example b is read for its first L_b positions only, as
 * torch's pack_padded_sequence does: padding must come after the words. Outputs at padded
 * positions are 0 and the final state is the one after position L_b − 1 (forward) or after
 * position 0 (backward). Every example needs at least one position.
 */
export default defineNode({
  type: 'encoder.lstm',
  version: 1,
  category: 'encoders',
  title: 'LSTM',
  doc:
    'Reads a sequence one step at a time, carrying a memory cell that gates decide to keep, overwrite or show: the recurrent encoder of many text and audio models (torch.nn.LSTM, batch first). ' +
    '`sequence` is the hidden state at every position; `final` is the state after the last real position (for a bidirectional LSTM, the forward and backward final states side by side), the usual summary of a sentence. ' +
    'Connect `mask` (1 = real token) or `lengths` when sequences are padded; the padding must be at the end.',
  formula:
    '\\begin{aligned} (i, f, g, o) &= (\\sigma, \\sigma, \\tanh, \\sigma)\\big(W_{i\\cdot} x_t + b_{i\\cdot} + W_{h\\cdot} h_{t-1} + b_{h\\cdot}\\big) \\\\ c_t &= f \\odot c_{t-1} + i \\odot g, \\quad h_t = o \\odot \\tanh(c_t) \\end{aligned}',
  source: 'Hochreiter & Schmidhuber 1997; torch.nn.LSTM (weights weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}); ONNX LSTM',
  inputs: {
    x: tensor('float32', ['B', 'T', 'D'], { description: 'Input sequence [B, T, D]' }),
    mask: tensor(MASK_DTYPES, ['B', 'T'], { optional: true, description: 'Keep-mask [B, T], 1 for real positions; padding at the end' }),
    lengths: tensor(['int64', 'int32'], ['B'], { optional: true, description: 'Number of real positions per example [B] (instead of mask)' }),
  },
  outputs: {
    sequence: tensor('float32', ['B', 'T', 'O'], { description: 'Hidden state at every position [B, T, H] (or [B, T, 2H] bidirectional); 0 at padding' }),
    final: tensor('float32', ['B', 'O'], { description: 'Last layer\'s final hidden state [B, H] (forward ; backward when bidirectional)' }),
  },
  params: {
    hidden: int({ default: 128, min: 1, description: 'Hidden width H per direction' }),
    layers: int({ default: 1, min: 1, max: 64, description: 'Stacked LSTM layers' }),
    bidirectional: bool({ default: false, description: 'Also read the sequence backwards and concatenate both directions' }),
    bias: bool({ default: true, description: 'Learned biases b_ih and b_hh (PyTorch bias=True)' }),
  },
  infer: ({ inputs, params }) => {
    if (inputs['mask'] && inputs['lengths']) {
      throw new NodeError('connect either "mask" or "lengths", not both', { port: 'lengths' });
    }
    const [b, t] = inputs['x']!;
    const o = params.hidden * (params.bidirectional ? 2 : 1);
    return { sequence: [b!, t!, o], final: [b!, o] };
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['x']![2], 'the width of x (axis 2)');
    const h = params.hidden;
    const bound = linearBound(h);
    const out: Record<string, WeightSpec> = {};
    for (let k = 0; k < params.layers; k++) {
      const fanIn = k === 0 ? d : h * (params.bidirectional ? 2 : 1);
      for (const sfx of directions(params.bidirectional)) {
        out[`weight_ih_l${k}${sfx}`] = { shape: [4 * h, fanIn], init: { kind: 'uniform', bound } };
        out[`weight_hh_l${k}${sfx}`] = { shape: [4 * h, h], init: { kind: 'uniform', bound } };
        if (params.bias) {
          out[`bias_ih_l${k}${sfx}`] = { shape: [4 * h], init: { kind: 'uniform', bound } };
          out[`bias_hh_l${k}${sfx}`] = { shape: [4 * h], init: { kind: 'uniform', bound } };
        }
      }
    }
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const [b, t, d] = inputs['x']!.map(size) as [number, number, number];
    const h = params.hidden;
    const dirs = params.bidirectional ? 2 : 1;
    let total = 0;
    for (let k = 0; k < params.layers; k++) {
      const fanIn = k === 0 ? d : h * dirs;
      // Two matmuls into 4H gates, bias adds, 3 sigmoids + 2 tanh, the cell and state updates.
      total += b * t * dirs * (8 * h * (fanIn + h) + (params.bias ? 8 * h : 0) + 20 * h + 4 * h);
    }
    return total;
  },
  lower: ({ g, x, w, params }) => {
    const h = params.hidden;
    const dirs = directions(params.bidirectional);
    let seqLens = '';
    if (x['mask']) {
      const keep = g.op('Cast', [g.op('Cast', [x['mask']], { to: i(9) })], { to: i(6) }); // bool, then int32
      seqLens = g.op('ReduceSum', [keep, g.constInt64([1])], { keepdims: i(0) });
    } else if (x['lengths']) {
      seqLens = g.op('Cast', [x['lengths']], { to: i(6) });
    }
    let seq = g.op('Transpose', [x['x']!], { perm: ints([1, 0, 2]) }); // [T, B, D]
    let final = '';
    for (let k = 0; k < params.layers; k++) {
      const stack = (name: string) => {
        const parts = dirs.map((sfx) => g.op('Unsqueeze', [toOnnxGates(g, w[`${name}_l${k}${sfx}`]!, h), g.constInt64([0])]));
        return parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: i(0) });
      };
      const W = stack('weight_ih');
      const R = stack('weight_hh');
      let B = '';
      if (params.bias) {
        const parts = dirs.map((sfx) => {
          const both = g.op('Concat', [toOnnxGates(g, w[`bias_ih_l${k}${sfx}`]!, h), toOnnxGates(g, w[`bias_hh_l${k}${sfx}`]!, h)], { axis: i(0) });
          return g.op('Unsqueeze', [both, g.constInt64([0])]);
        });
        B = parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: i(0) });
      }
      const inputs = [seq, W, R, B, seqLens];
      while (inputs.at(-1) === '') inputs.pop();
      const [y, yh] = g.opN('LSTM', inputs, 2, {
        hidden_size: i(h),
        direction: s(params.bidirectional ? 'bidirectional' : 'forward'),
      }) as [string, string];
      // Y is [T, dirs, B, H]: put the directions next to the features, [T, B, dirs·H].
      seq = g.op('Reshape', [g.op('Transpose', [y], { perm: ints([0, 2, 1, 3]) }), g.constInt64([0, 0, h * dirs.length])]);
      final = yh;
    }
    return {
      sequence: g.op('Transpose', [seq], { perm: ints([1, 0, 2]) }),
      // Y_h is [dirs, B, H]: [B, dirs·H] with the forward state first, as torch.cat((h_n[-2], h_n[-1]), 1).
      final: g.op('Reshape', [g.op('Transpose', [final], { perm: ints([1, 0, 2]) }), g.constInt64([0, h * dirs.length])]),
    };
  },
});

function directions(bidirectional: boolean): string[] {
  return bidirectional ? ['', '_reverse'] : [''];
}

/**
 * PyTorch stacks the four gate blocks of an LSTM weight or bias as (i, f, g, o) along axis 0;
 * ONNX expects (i, o, f, c). Reorders the H-row blocks (a constant-folded slice and concat).
 */
function toOnnxGates(g: OnnxGraph, t: string, h: number): string {
  const block = (k: number) => g.op('Slice', [t, g.constInt64([k * h]), g.constInt64([(k + 1) * h]), g.constInt64([0])]);
  return g.op('Concat', [block(0), block(3), block(1), block(2)], { axis: i(0) });
}
