import { NodeError, defineNode, int, tensor, dimAdd } from '@modalflow/core';
import '../lib/lowering.ts';

/**
 * Teacher forcing (Williams & Zipser 1989): a decoder reads the sentence up to position t and is
 * scored on the word at t + 1.
 *   inputs_t = ids_t,  targets_t = ids_{t+1}  (t = 0 .. L-2);  targets_t = ignore where ids_{t+1} = pad
 */
export default defineNode({
  type: 'text.teacher_forcing',
  version: 1,
  category: 'preprocessing',
  title: 'Teacher forcing (shift)',
  doc:
    'Prepares a tokenized sentence for training a decoder: `inputs` is the sentence without its last token, `targets` the same sentence one step ahead, so at every position the decoder learns to predict the next word from the true words before it. ' +
    'Padding in the targets becomes `ignore_index`, which the cross-entropy loss leaves out.',
  formula: '\\mathrm{inputs}_t = w_t,\\quad \\mathrm{targets}_t = w_{t+1}\\ (t < L - 1),\\ \\text{ignore where } w_{t+1} = \\mathrm{pad}',
  source: 'Williams & Zipser 1989; Hugging Face shift_tokens_right and the labels of VisionEncoderDecoderModel',
  inputs: { ids: tensor(['int64'], ['B', 'L'], { description: 'Token ids [B, L], start token first' }) },
  outputs: {
    inputs: tensor('int64', ['B', 'T'], { description: 'ids without the last position [B, L-1]' }),
    targets: tensor('int64', ['B', 'T'], { description: 'ids without the first position [B, L-1], padding set to ignore_index' }),
  },
  params: {
    pad_token: int({ default: 0, min: 0, description: 'Token id of padding ([PAD] = 0 in the teaching vocabulary)' }),
    ignore_index: int({ default: -100, description: 'What padded targets become (the loss\'s ignore_index)' }),
  },
  infer: ({ inputs }) => {
    const [b, l] = inputs['ids']!;
    if (typeof l === 'number' && l < 2) throw new NodeError('a sentence needs at least two tokens to predict one from the other', { port: 'ids' });
    const t = dimAdd(l!, -1);
    return { inputs: [b!, t], targets: [b!, t] };
  },
  lower: ({ g, x, params: p }) => {
    const ids = x['ids']!;
    const slice = (start: number, end: number) => g.op('Slice', [ids, g.constInt64([start]), g.constInt64([end]), g.constInt64([1])]);
    const next = slice(1, 2 ** 62);
    const pad = g.op('Equal', [next, g.constInt64([p.pad_token])]);
    return { inputs: slice(0, -1), targets: g.op('Where', [pad, g.constInt64([p.ignore_index]), next]) };
  },
});
