import { ModalflowError, defineNode, float, int, tensor, type Tensor } from '@modalflow/core';

const IGNORE = -100;

/** FNV-1a over 32-bit words, then mulberry32: the same numbers in Node and in browsers. */
function rowRng(seed: number, row: number, ids: ArrayLike<bigint>, start: number, length: number): () => number {
  let h = 0x811c9dc5 ^ seed;
  const mix = (v: number) => {
    h ^= v & 0xffffffff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  mix(row);
  for (let t = 0; t < length; t++) mix(Number(ids[start + t]!));
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The three pretraining views of a batch of tokenized captions, in one pass (ALBEF's and
 * UNITER's objectives, one text stream):
 * - ITM: each row is swapped for the next row's caption with probability `mismatch` (a swap to
 *   an identical caption stays a match); `itm_labels` is 1 for a true pair, 0 for a swapped one.
 * - MLM: in true pairs each word between the first and last token is replaced by `mask_id` with
 *   probability `mask_rate`, at least one per row; `mlm_labels` holds the original id there and
 *   -100 everywhere else (swapped rows predict nothing: their words do not describe the picture).
 * - ITC: `itc_targets[b]` is the row whose text belongs to picture b, b itself for true pairs,
 *   -100 for swapped rows, for a cross-entropy over the [B, B] picture-to-text similarities.
 * Every choice comes from a hash of `seed`, the row and its ids: the batch order (shuffled per
 * epoch) gives a caption other masks and partners each time, and a run repeats exactly.
 */
export default defineNode({
  type: 'text.pretrain_views',
  version: 1,
  category: 'preprocessing',
  title: 'Pretraining views (ITM pairs, MLM masks)',
  doc:
    'Prepares a batch of tokenized captions for vision-language pretraining: some captions are swapped with the next picture\'s (image-text matching learns to tell, `itm_labels`), some words of the true captions are hidden behind `mask_id` (masked language modelling predicts them, `mlm_labels`, -100 where nothing is asked), and `itc_targets` says which text belongs to each picture for the contrastive loss (-100 where the picture lost its caption). Seeded: the same batch always gets the same views.',
  formula: '\\mathrm{itm}_b \\sim \\mathrm{Bernoulli}(1-p_{\\mathrm{swap}}),\\quad \\tilde w_{b,t} = [\\mathrm{MASK}] \\text{ w.p. } p_{\\mathrm{mask}}',
  source: 'Li et al. 2021 (ALBEF): ITC, ITM and MLM; Devlin et al. 2019 (BERT) masking; Chen et al. 2020 (UNITER) conditional masking',
  inputs: {
    ids: tensor('int64', ['B', 'T'], { description: 'Token ids [B, T] from a tokenizer, first token [CLS], last real token [SEP]' }),
    mask: tensor('int64', ['B', 'T'], { description: '1 on real tokens, 0 on padding [B, T]' }),
  },
  outputs: {
    ids: tensor('int64', ['B', 'T'], { description: 'Captions with swaps and masks [B, T]' }),
    mask: tensor('int64', ['B', 'T'], { description: 'Their padding mask [B, T]' }),
    mlm_labels: tensor('int64', ['B', 'T'], { description: 'Original id where a word was masked, -100 elsewhere [B, T]' }),
    itm_labels: tensor('int64', ['B'], { description: '1 for a true pair, 0 for a swapped caption [B]' }),
    itc_targets: tensor('int64', ['B'], { description: 'Row of the text that belongs to each picture, -100 for none [B]' }),
  },
  params: {
    seed: int({ default: 0, min: 0, max: 1_000_000, description: 'Seeds the swaps and masks' }),
    mismatch: float({ default: 0.5, min: 0, max: 1, description: 'Share of captions swapped for the next row\'s' }),
    mask_rate: float({ default: 0.15, min: 0, max: 1, description: 'Share of the words of true captions that are masked (BERT: 0.15)' }),
    mask_id: int({ default: 1, min: 0, description: 'Id written in place of a masked word' }),
  },
  infer: ({ inputs }) => {
    const ids = inputs['ids']!;
    return { ids, mask: ids, mlm_labels: ids, itm_labels: [ids[0]!], itc_targets: [ids[0]!] };
  },
  host: (inputs, { node, params }) => {
    const ids = inputs['ids'];
    const mask = inputs['mask'];
    if (!ids || ids.dtype !== 'int64' || ids.dims.length !== 2 || !mask || mask.dims.join() !== ids.dims.join()) {
      throw new ModalflowError('MF_HOST_INPUT', '"ids" and "mask" must be int64 [B, T] of the same shape', { node, port: 'ids' });
    }
    const [b, t] = ids.dims as [number, number];
    const src = ids.data as BigInt64Array;
    const keep = mask.data as BigInt64Array;
    const outIds = new BigInt64Array(b * t);
    const outMask = new BigInt64Array(b * t);
    const mlm = new BigInt64Array(b * t).fill(BigInt(IGNORE));
    const itm = new BigInt64Array(b);
    const itc = new BigInt64Array(b);
    const same = (i: number, j: number) => {
      for (let k = 0; k < t; k++) if (src[i * t + k] !== src[j * t + k]) return false;
      return true;
    };
    for (let r = 0; r < b; r++) {
      const rng = rowRng(params.seed, r, src, r * t, t);
      const partner = (r + 1) % b;
      const swapped = b > 1 && rng() < params.mismatch && !same(r, partner);
      const from = swapped ? partner : r;
      outIds.set(src.subarray(from * t, from * t + t), r * t);
      outMask.set(keep.subarray(from * t, from * t + t), r * t);
      itm[r] = swapped ? 0n : 1n;
      itc[r] = BigInt(swapped ? IGNORE : r);
      // Swapped rows are masked too, without labels: masks only in true pairs would tell ITM the answer.
      let length = 0;
      while (length < t && outMask[r * t + length] !== 0n) length++;
      // Words sit between the first token ([CLS]) and the last real one ([SEP]).
      const words = Array.from({ length: Math.max(length - 2, 0) }, (_, k) => k + 1);
      if (!words.length || params.mask_rate === 0) continue;
      let chosen = words.filter(() => rng() < params.mask_rate);
      if (!chosen.length) chosen = [words[Math.floor(rng() * words.length)]!];
      for (const p of chosen) {
        if (!swapped) mlm[r * t + p] = outIds[r * t + p]!;
        outIds[r * t + p] = BigInt(params.mask_id);
      }
    }
    const i64 = (dims: number[], data: BigInt64Array): Tensor => ({ dtype: 'int64', dims, data });
    return { ids: i64([b, t], outIds), mask: i64([b, t], outMask), mlm_labels: i64([b, t], mlm), itm_labels: i64([b], itm), itc_targets: i64([b], itc) };
  },
});
