import { NodeError, bool, defineNode, dimAdd, tensor, type Dim, type WeightSpec } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { MASK_DTYPES, onesMaskLike } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

const PARTS = ['a', 'b', 'c'] as const;

/**
 * Single-stream input: token sequences of several modalities joined along time, each part
 * tagged by adding a learned modality-type embedding (ViLT: text gets row 0, image row 1):
 *   X = [a + E_0 ; b + E_1 ; c + E_2],  mask = [m_a ; m_b ; m_c]
 * with E = token_type_embeddings.weight [parts, D] and absent masks taken as all ones.
 * Source: Kim et al. 2021 (ViLT), Hugging Face ViltEmbeddings (`token_type_embeddings`).
 */
export default defineNode({
  type: 'fusion.concat_sequence',
  version: 1,
  category: 'fusion',
  title: 'Concat (sequences)',
  views: { joinsSequences: { first: 'a', last: 'b' } },
  doc:
    'Joins the token sequences of two or three modalities into one long sequence, so a single transformer can attend across all of them (single-stream fusion as in ViLT and UNITER). ' +
    'Each part can get its own learned "modality type" vector added to every token, so the transformer can tell which tokens came from which modality. ' +
    'The key masks of the parts are joined the same way; a part without a mask counts as all real tokens.',
  formula: 'X = [\\,a + E_0 \\,;\\, b + E_1 \\,;\\, c + E_2\\,], \\quad m = [\\,m_a \\,;\\, m_b \\,;\\, m_c\\,]',
  source: 'Kim et al. 2021, ViLT (modality-type embeddings); Hugging Face ViltEmbeddings',
  inputs: {
    a: tensor('float32', ['B', 'Ta', 'D'], { description: 'First sequence (e.g. text tokens), type 0' }),
    b: tensor('float32', ['B', 'Tb', 'D'], { description: 'Second sequence (e.g. image patches), type 1' }),
    c: tensor('float32', ['B', 'Tc', 'D'], { optional: true, description: 'Optional third sequence, type 2' }),
    a_mask: tensor(MASK_DTYPES, ['B', 'Ta'], { optional: true, description: 'Keep-mask of a (1 = real token); absent = all ones' }),
    b_mask: tensor(MASK_DTYPES, ['B', 'Tb'], { optional: true, description: 'Keep-mask of b; absent = all ones' }),
    c_mask: tensor(MASK_DTYPES, ['B', 'Tc'], { optional: true, description: 'Keep-mask of c; absent = all ones' }),
  },
  outputs: {
    x: tensor('float32', ['B', 'T', 'D'], { description: 'Joined sequence, T = Ta + Tb (+ Tc)' }),
    mask: tensor('int64', ['B', 'T'], { description: 'Joined keep-mask (int64 0/1)' }),
  },
  params: {
    type_embeddings: bool({ default: true, description: 'Add a learned modality-type embedding to each part' }),
  },
  infer: ({ inputs, dims }) => {
    if (inputs['c_mask'] && !inputs['c']) {
      throw new NodeError('"c_mask" is connected but its sequence "c" is not', { port: 'c_mask' });
    }
    let t: Dim = 0;
    for (const p of PARTS) if (inputs[p]) t = dimAdd(t, inputs[p]![1]!);
    const b = dims['B']!;
    return { x: [b, t, dims['D']!], mask: [b, t] };
  },
  weights: ({ inputs, params, need }): Record<string, WeightSpec> => {
    if (!params.type_embeddings) return {};
    const parts = PARTS.filter((p) => inputs[p]).length;
    const d = need(inputs['a']![2], 'the feature width D of a');
    // ViLT initialises embeddings as BERT does, N(0, 0.02^2); this uniform has that variance.
    return { 'token_type_embeddings.weight': { shape: [parts, d], init: { kind: 'uniform', bound: 0.02 * Math.sqrt(3) } } };
  },
  flops: ({ outputs, params, size }) =>
    params.type_embeddings ? outputs['x']!.reduce<number>((acc, d) => acc * size(d), 1) : 0,
  lower: ({ g, x, w, params }) => {
    const present = PARTS.filter((p) => x[p]);
    const seqs = present.map((p, k) => {
      if (!params.type_embeddings) return x[p]!;
      const row = g.op('Gather', [w['token_type_embeddings.weight']!, g.scalarInt64(k)], { axis: i(0) });
      return g.op('Add', [x[p]!, row]);
    });
    const masks = present.map((p) => {
      const m = x[`${p}_mask`];
      return m ? g.op('Cast', [m], { to: i(7) }) : onesMaskLike(g, x[p]!);
    });
    return {
      x: g.op('Concat', seqs, { axis: i(1) }),
      mask: g.op('Concat', masks, { axis: i(1) }),
    };
  },
});
