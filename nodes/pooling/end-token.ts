import { defineNode, int, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import '../lib/lowering.ts';

/**
 * End-token pooling, as CLIP's text tower: h_b = x[b, argmax_t ids_bt]. CLIP's vocabulary puts
 * <|endoftext|> last (id 49407, the highest), so the argmax of the ids finds the end of each
 * text; ties (CLIP pads with the same id) resolve to the first position, as torch.argmax.
 * With end_id >= 0 the position is instead the first t with ids_bt = end_id (what newer
 * transformers versions do when the end token is not the highest id).
 */
export default defineNode({
  type: 'pool.end_token',
  version: 1,
  category: 'pooling',
  title: 'End-token pooling (CLIP)',
  doc: 'Keeps the state of each text\'s end token, as CLIP\'s text encoder does: with a causal mask only the last token has seen the whole sentence. CLIP finds that token as the position of the largest id in each row, because its end token <|endoftext|> has the highest id of the vocabulary (49407); if padding uses the same id, the first occurrence counts. Set `end_id` to look for a specific id instead.',
  formula: 'h_b = x_{b,\\,t_b},\\quad t_b = \\operatorname{argmax}_t\\ \\mathrm{ids}_{bt}',
  source: 'OpenAI CLIP encode_text (x[arange(B), text.argmax(-1)]); transformers CLIPTextTransformer',
  inputs: {
    x: tensor('float32', ['B', 'T', 'D'], { description: 'Token states [B, T, D]' }),
    ids: tensor(['int64', 'int32'], ['B', 'T'], { description: 'Token ids [B, T] the states were computed from' }),
  },
  outputs: { pooled: tensor('float32', ['B', 'D'], { description: 'End-token state per example [B, D]' }) },
  params: {
    end_id: int({ default: -1, min: -1, description: 'Id of the end token (-1 = the highest id in each row, as CLIP)' }),
  },
  flops: ({ inputs, size }) => size(inputs['ids']![0]!) * size(inputs['ids']![1]!),
  lower: ({ g, x, params }) => {
    let scores = x['ids']!;
    if (params.end_id >= 0) {
      const ids64 = g.op('Cast', [scores], { to: i(7) });
      scores = g.op('Cast', [g.op('Equal', [ids64, g.scalarInt64(params.end_id)])], { to: i(6) });
    }
    const pos = g.op('ArgMax', [scores], { axis: i(1), keepdims: i(1) }); // [B, 1], first maximum
    const d = g.op('Shape', [x['x']!], { start: i(2) });
    const index = g.op('Expand', [g.op('Unsqueeze', [pos, g.constInt64([2])]), g.op('Concat', [g.constInt64([1, 1]), d], { axis: i(0) })]);
    const picked = g.op('GatherElements', [x['x']!, index], { axis: i(1) }); // [B, 1, D]
    return { pooled: g.op('Squeeze', [picked, g.constInt64([1])]) };
  },
});
