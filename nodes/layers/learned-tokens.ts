import { NodeError, defineNode, float, int, tensor } from '@modalflow/core';
import '../lib/lowering.ts';

/**
 * Learned context vectors written into a token sequence (CoOp, Zhou et al. 2022):
 *   y[b, t] = x[b, t] + c[t - offset]   for offset <= t < offset + M,   y[b, t] = x[b, t] otherwise
 * Fed with the embedded prompt "a a a a square" (M placeholder words after the start token),
 * positions offset..offset+M-1 become x + c: with x fixed and c learned, that is any vector at
 * all, which is CoOp's learned context. Adding rather than replacing keeps the sequence, its
 * ids and the end token where they were, so the frozen text encoder and its end-token pooling
 * run unchanged; the placeholder's embedding and position only shift where c starts.
 */
export default defineNode({
  type: 'layer.learned_tokens',
  version: 1,
  category: 'layers',
  title: 'Learned context tokens (CoOp)',
  doc:
    'Prompt learning: M learned vectors are added to M positions of an embedded token sequence, starting at `offset` (1 = just after the start token). Write M placeholder words in the prompt there ("a a a a square") and train only this node with the text encoder frozen: instead of a hand-written "a photo of a", the model learns the context words that make its class prompts classify best, as CoOp does for CLIP.',
  formula: 'y_{b,t} = x_{b,t} + c_{t-o}\\;\\; (o \\le t < o + M),\\qquad y_{b,t} = x_{b,t}\\;\\text{otherwise}',
  source: 'Zhou, Yang, Loy, Liu 2022, Learning to Prompt for Vision-Language Models (CoOp), unified context',
  inputs: { x: tensor('float32', ['B', 'T', 'D'], { description: 'Embedded tokens [B, T, D] (token and position embeddings)' }) },
  outputs: { y: tensor('float32', ['B', 'T', 'D'], { description: 'The tokens with the context added [B, T, D]' }) },
  params: {
    count: int({ default: 4, min: 1, max: 64, description: 'M: number of learned context vectors' }),
    offset: int({ default: 1, min: 0, max: 512, description: 'Position of the first context vector (1 = after the start token)' }),
    init_std: float({ default: 0.02, min: 0, max: 1, description: 'Spread of the starting context vectors (CoOp: 0.02)' }),
  },
  infer: ({ inputs, params }) => {
    const x = inputs['x']!;
    const t = x[1];
    if (typeof t !== 'number') throw new NodeError('the sequence length of "x" must be a fixed number (set max_length on the tokenizer)', { port: 'x' });
    if (params.offset + params.count > t) {
      throw new NodeError(`offset ${params.offset} + count ${params.count} runs past the ${t} tokens of "x"`, { param: 'count', code: 'MF_PARAM_RANGE' });
    }
    return { y: x };
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['x']![2], 'the last axis of x');
    return { context: { shape: [params.count, d], init: { kind: 'uniform', bound: params.init_std * Math.sqrt(3) } } };
  },
  flops: ({ inputs, params, size }) => size(inputs['x']![0]!) * params.count * size(inputs['x']![2]!),
  lower: ({ g, x, w, params, inputs }) => {
    const t = inputs['x']![1] as number;
    // [M, D] -> [T, D], zeros outside offset..offset+M, broadcast over the batch.
    const pads = g.constInt64([params.offset, 0, t - params.offset - params.count, 0]);
    const placed = g.op('Pad', [w['context']!, pads]);
    return { y: g.op('Add', [x['x']!, g.op('Unsqueeze', [placed, g.constInt64([0])])]) };
  },
});
