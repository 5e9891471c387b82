import { NodeError, defineNode, int, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import '../lib/lowering.ts';

/**
 * Class-token pooling: h = x[:, index, :]. BERT, ViT, ViLT and CLIP's vision tower read the
 * sequence summary from the token at index 0 (the [CLS] / class token).
 */
export default defineNode({
  type: 'pool.cls',
  version: 1,
  category: 'pooling',
  title: 'Class-token pooling',
  doc: 'Keeps one token of each sequence, by default the first: the class token ([CLS]) that BERT, ViT, ViLT and CLIP\'s image tower add in front so that attention gathers a summary of the whole sequence into it. A negative index counts from the end (-1 is the last token).',
  formula: 'h_{b} = x_{b,\\,i}',
  source: 'BERT pooler input (hidden_states[:, 0]); ViT / CLIP vision pooled output',
  inputs: { x: tensor('float32', ['B', 'T', 'D'], { description: 'Token states [B, T, D]' }) },
  outputs: { pooled: tensor('float32', ['B', 'D'], { description: 'One vector per example [B, D]' }) },
  params: {
    index: int({ default: 0, min: -65536, max: 65535, description: 'Which token to keep (0 = first, -1 = last)' }),
  },
  infer: ({ inputs, params }) => {
    const [b, t, d] = inputs['x']!;
    if (typeof t === 'number' && (params.index >= t || params.index < -t)) {
      throw new NodeError(`index ${params.index} is outside the ${t} tokens of input "x"`, { param: 'index' });
    }
    return { pooled: [b!, d!] };
  },
  lower: ({ g, x, params }) => ({ pooled: g.op('Gather', [x['x']!, g.scalarInt64(params.index)], { axis: i(1) }) }),
});
