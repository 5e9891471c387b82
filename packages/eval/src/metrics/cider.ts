import { ModalflowError } from '@modalflow/core';
import { ngramCounts, words } from './ngrams.ts';
import type { CaptionPair } from './bleu.ts';

export interface CiderResult {
  /** Corpus CIDEr-D: the mean of `perItem` (the papers print it ×100, e.g. 117.6 for 1.176). */
  cider: number;
  perItem: number[];
}

interface Vec {
  vec: Map<string, number>[];
  norm: number[];
  length: number;
}

/**
 * CIDEr-D (Vedantam et al. 2015) as pycocoevalcap's cider_scorer.py computes it: TF-IDF
 * n-gram vectors (n = 1..4) with document frequencies taken over the references of the
 * evaluated images, the candidate's weights clipped at the reference's, a Gaussian penalty
 * on the length difference (sigma 6), averaged over n and references, times 10.
 *
 * The reference measures "length" in bigrams, not words (its `if n == 1` is on the 0-based
 * n-gram order). Kept as is: it changes the length difference only when a sentence is empty.
 */
export function ciderD(pairs: readonly CaptionPair[], options: { n?: number; sigma?: number } = {}): CiderResult {
  const n = options.n ?? 4;
  const sigma = options.sigma ?? 6;
  const hyps = pairs.map((p) => ngramCounts(words(p.hypothesis), n));
  const refs = pairs.map((p, i) => {
    if (p.references.length === 0) throw new ModalflowError('MF_METRIC_INPUT', `item ${i} has no reference caption`, {});
    return p.references.map((r) => ngramCounts(words(r), n));
  });
  const df = new Map<string, number>();
  for (const rs of refs) {
    const seen = new Set<string>();
    for (const r of rs) r.forEach((m) => m.forEach((_, g) => seen.add(g)));
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
  }
  const refLen = Math.log(pairs.length);
  const toVec = (counts: Map<string, number>[]): Vec => {
    const vec = counts.map(() => new Map<string, number>());
    const norm = new Array<number>(n).fill(0);
    let length = 0;
    counts.forEach((m, k) =>
      m.forEach((tf, g) => {
        const w = tf * (refLen - Math.log(Math.max(1, df.get(g) ?? 0)));
        vec[k]!.set(g, w);
        norm[k]! += w * w;
        if (k === 1) length += tf;
      }),
    );
    return { vec, norm: norm.map(Math.sqrt), length };
  };
  const sim = (h: Vec, r: Vec): number[] => {
    const delta = h.length - r.length;
    const penalty = Math.exp(-(delta * delta) / (2 * sigma * sigma));
    return h.vec.map((m, k) => {
      let v = 0;
      m.forEach((wh, g) => {
        const wr = r.vec[k]!.get(g) ?? 0;
        v += Math.min(wh, wr) * wr;
      });
      if (h.norm[k] !== 0 && r.norm[k] !== 0) v /= h.norm[k]! * r.norm[k]!;
      return v * penalty;
    });
  };
  const perItem = hyps.map((h, i) => {
    const hv = toVec(h);
    const total = new Array<number>(n).fill(0);
    for (const r of refs[i]!) sim(hv, toVec(r)).forEach((v, k) => (total[k]! += v));
    const mean = total.reduce((a, b) => a + b, 0) / n;
    return (mean / refs[i]!.length) * 10;
  });
  return { cider: perItem.reduce((a, b) => a + b, 0) / Math.max(1, perItem.length), perItem };
}
