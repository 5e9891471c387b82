import type { GraphDoc } from '@modalflow/core';

type Node = GraphDoc['nodes'][number];
const node = (id: string, type: string, params: Record<string, unknown> = {}): Node => ({ id, type, typeVersion: 1, params });
const edges = (pairs: [string, string][]): GraphDoc['edges'] =>
  pairs.map(([from, to]) => ({ from: from.split('.') as [string, string], to: to.split('.') as [string, string] }));

const WORDS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a', 'red', 'circle', 'what', 'color', 'is', 'the', '?'];

/** ViLT in miniature: text and image patches joined into one sequence, one encoder, a VQA head and its top answers. */
export function viltLike(): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'vilt-like' }, seed: 3,
    nodes: [
      node('question', 'input.text'),
      node('tokenize', 'text.tokenize_words', { vocabulary: WORDS, lowercase: true, max_length: 6 }),
      node('text_embed', 'encoder.token_embed', { vocab: WORDS.length, dim: 16, max_positions: 6, type_vocab: 2, layer_norm: true }),
      node('image', 'input.image'),
      node('preprocess', 'preprocess.image', { resize: 32, crop: 0, mean: '0.5, 0.5, 0.5', std: '0.5, 0.5, 0.5' }),
      node('patch_embed', 'encoder.patch_embed', { patch: 16, dim: 16, image_size: 32, class_token: true, bias: true, interpolate: true }),
      node('concat', 'fusion.concat_sequence', { type_embeddings: true }),
      node('encoder', 'encoder.transformer', { layers: 1, dim: 16, heads: 2, mlp_dim: 32, activation: 'gelu', norm: 'post', eps: 1e-12 }),
      node('pooler', 'head.pooler'),
      node('head', 'head.classifier', { classes: 5 }),
      node('itm', 'head.itm'),
      node('answers', 'output.topk_labels', { k: 3, labels: ['yes', 'no', 'red', 'blue', 'two'] }),
      node('top', 'output.tensor'),
      node('targets', 'input.tensor', { dtype: 'float32', shape: 'B, 5' }),
      node('bce', 'loss.bce'),
      node('loss', 'output.tensor'),
    ],
    edges: edges([
      ['question.text', 'tokenize.text'], ['tokenize.ids', 'text_embed.ids'], ['tokenize.mask', 'concat.a_mask'],
      ['image.pixels', 'preprocess.image'], ['preprocess.pixel_values', 'patch_embed.pixels'],
      ['text_embed.tokens', 'concat.a'], ['patch_embed.tokens', 'concat.b'], ['patch_embed.mask', 'concat.b_mask'],
      ['concat.x', 'encoder.x'], ['concat.mask', 'encoder.mask'], ['encoder.y', 'pooler.hidden'],
      ['pooler.pooled', 'head.x'], ['pooler.pooled', 'itm.x'], ['head.probs', 'answers.scores'], ['answers.labels', 'top.value'],
      ['head.logits', 'bce.logits'], ['targets.value', 'bce.targets'], ['bce.loss', 'loss.value'],
    ]),
  };
}

/** CLIP in miniature: two towers, a similarity head; the image tower's attention is not wired anywhere. */
export function clipLike(): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'clip-like' }, seed: 7,
    nodes: [
      node('image', 'input.image'),
      node('preprocess', 'preprocess.image', { resize: 32, crop: 32 }),
      node('patch_embed', 'encoder.patch_embed', { patch: 16, dim: 16, image_size: 32 }),
      node('vision', 'encoder.transformer', { layers: 1, dim: 16, heads: 2 }),
      node('vision_pool', 'pool.cls'),
      node('caption', 'input.text'),
      node('tokenize', 'text.tokenize_words', { vocabulary: WORDS, max_length: 6 }),
      node('text_embed', 'encoder.token_embed', { vocab: WORDS.length, dim: 16, max_positions: 6, type_vocab: 0 }),
      node('text_pool', 'pool.mean'),
      node('similarity', 'head.similarity', { embed: 8 }),
      node('logits', 'output.tensor'),
    ],
    edges: edges([
      ['image.pixels', 'preprocess.image'], ['preprocess.pixel_values', 'patch_embed.pixels'], ['patch_embed.tokens', 'vision.x'],
      ['vision.y', 'vision_pool.x'], ['caption.text', 'tokenize.text'], ['tokenize.ids', 'text_embed.ids'], ['text_embed.tokens', 'text_pool.x'],
      ['vision_pool.pooled', 'similarity.image'], ['text_pool.pooled', 'similarity.text'], ['similarity.logits_per_image', 'logits.value'],
    ]),
  };
}

/** Zero-shot: labels typed as one comma-separated string, split downstream; regions as a two-port input. */
export function labelsAndRegions(): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'labels' }, seed: 1,
    nodes: [
      node('labels', 'input.text', { batch: 'L' }),
      node('split', 'text.split', { template: 'a photo of {}' }),
      node('names', 'output.tensor'),
      node('regions', 'input.regions', { num_regions: 0, feature_dim: 8 }),
      node('boxes', 'output.tensor'),
    ],
    edges: edges([['labels.text', 'split.text'], ['split.labels', 'names.value'], ['regions.boxes', 'boxes.value']]),
  };
}
