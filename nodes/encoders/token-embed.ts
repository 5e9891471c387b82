import { NodeError, bool, defineNode, float, int, tensor, type WeightSpec } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { layerNorm } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Text embeddings as BERT's (Devlin et al. 2019) and CLIP's text tower:
 *   e_t = E_word[id_t] + E_pos[t] (+ E_type[seg_t]),   then LayerNorm (BERT) or not (CLIP)
 * Positions count from 0 along the sequence. Without segment ids every token has type 0, as
 * BERT's default `token_type_ids`. Weight names follow Hugging Face BertEmbeddings
 * (`word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm`).
 */
export default defineNode({
  type: 'encoder.token_embed',
  version: 1,
  category: 'encoders',
  title: 'Token embedding',
  doc:
    'Turns token ids into vectors: each id looks up a row of a learned table, and a learned vector for the position in the sentence is added (plus a segment vector for BERT-style sentence pairs). ' +
    'BERT then applies a layer norm; CLIP does not. Defaults are BERT-base uncased (vocabulary 30522, width 768, 512 positions, 2 segment types). ' +
    'The `table` output is the word table itself, so a masked-language-model head can reuse (tie) it.',
  formula: 'e_t = \\mathrm{LN}\\big(E_{\\mathrm{word}}[w_t] + E_{\\mathrm{pos}}[t] + E_{\\mathrm{type}}[s_t]\\big)',
  source: 'Devlin et al. 2019 (BERT); Hugging Face transformers BertEmbeddings and CLIPTextEmbeddings',
  inputs: {
    ids: tensor(['int64', 'int32'], ['B', 'T'], { description: 'Token ids [B, T]' }),
    segments: tensor(['int64', 'int32'], ['B', 'T'], { optional: true, description: 'Segment (token type) ids [B, T]; all 0 when unconnected' }),
  },
  outputs: {
    tokens: tensor('float32', ['B', 'T', 'dim'], { description: 'Token vectors [B, T, dim]' }),
    table: tensor('float32', ['vocab', 'dim'], { description: 'The word embedding table, for tying an output head' }),
  },
  params: {
    vocab: int({ default: 30522, min: 1, description: 'Vocabulary size (BERT uncased 30522, CLIP 49408)' }),
    dim: int({ default: 768, min: 1, description: 'Embedding width' }),
    max_positions: int({ default: 512, min: 1, description: 'Longest sequence the position table covers (BERT 512, CLIP 77)' }),
    type_vocab: int({ default: 2, min: 0, description: 'Segment types (BERT 2; 0 = no segment embedding, as CLIP)' }),
    layer_norm: bool({ default: true, description: 'LayerNorm after the sum (BERT yes, CLIP no)' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon' }),
  },
  infer: ({ inputs, params: p }) => {
    const [b, t] = inputs['ids']! as [string | number, string | number];
    if (typeof t === 'number' && t > p.max_positions) {
      throw new NodeError(`sequence length ${t} exceeds max_positions ${p.max_positions}`, { port: 'ids' });
    }
    if (inputs['segments'] && p.type_vocab === 0) {
      throw new NodeError('segment ids are connected but type_vocab is 0, so there is no segment table', { port: 'segments' });
    }
    return { tokens: [b, t, p.dim], table: [p.vocab, p.dim] };
  },
  weights: ({ params: p }) => {
    // BERT inits embeddings with std 0.02; uniform(±0.02·√3) has the same variance.
    const init = { kind: 'uniform' as const, bound: 0.02 * Math.sqrt(3) };
    const out: Record<string, WeightSpec> = {
      'word_embeddings.weight': { shape: [p.vocab, p.dim], init },
      'position_embeddings.weight': { shape: [p.max_positions, p.dim], init },
    };
    if (p.type_vocab > 0) out['token_type_embeddings.weight'] = { shape: [p.type_vocab, p.dim], init };
    if (p.layer_norm) {
      out['LayerNorm.weight'] = { shape: [p.dim], init: { kind: 'ones' } };
      out['LayerNorm.bias'] = { shape: [p.dim], init: { kind: 'zeros' } };
    }
    return out;
  },
  flops: ({ inputs, params: p, size }) => {
    const [b, t] = inputs['ids']!;
    const elems = size(b!) * size(t!) * p.dim;
    return elems * ((p.type_vocab > 0 ? 2 : 1) + (p.layer_norm ? 8 : 0));
  },
  lower: ({ g, x, w, params: p }) => {
    const ids = x['ids']!;
    let y = g.op('Gather', [w['word_embeddings.weight']!, ids], { axis: i(0) });
    const len = g.op('Shape', [ids], { start: i(1), end: i(2) });
    const positions = g.op('Slice', [w['position_embeddings.weight']!, g.constInt64([0]), len, g.constInt64([0])]);
    y = g.op('Add', [y, positions]);
    if (p.type_vocab > 0) {
      const table = w['token_type_embeddings.weight']!;
      const types = x['segments']
        ? g.op('Gather', [table, x['segments']], { axis: i(0) })
        : g.op('Slice', [table, g.constInt64([0]), g.constInt64([1]), g.constInt64([0])]);
      y = g.op('Add', [y, types]);
    }
    if (p.layer_norm) y = layerNorm(g, y, w['LayerNorm.weight']!, w['LayerNorm.bias']!, p.eps);
    return { tokens: y, table: w['word_embeddings.weight']! };
  },
});
