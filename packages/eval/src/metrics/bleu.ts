import { ModalflowError } from '@modalflow/core';
import { ngramCounts, words } from './ngrams.ts';

export interface BleuResult {
  /** Corpus BLEU-1..BLEU-n, in 0..1. */
  bleu: number[];
  /** Sentence BLEU-1..n per item, in input order. */
  perItem: number[][];
  testLength: number;
  refLength: number;
}

export interface CaptionPair {
  /** One tokenised candidate caption. */
  hypothesis: string;
  /** Its tokenised references (at least one). */
  references: readonly string[];
}

const SMALL = 1e-9;
const TINY = 1e-15;

/**
 * BLEU (Papineni et al. 2002) exactly as the COCO caption evaluation computes it
 * (pycocoevalcap bleu_scorer.py, option "closest"): clipped n-gram counts summed over the
 * corpus, the closest reference length per sentence (the shorter one on a tie), and the
 * brevity penalty exp(1 - r/c) over the corpus. The tiny and small constants are the
 * reference's, so a zero count gives a score near zero rather than a division by zero.
 */
export function bleu(pairs: readonly CaptionPair[], n = 4): BleuResult {
  const guess = new Array<number>(n).fill(0);
  const correct = new Array<number>(n).fill(0);
  let testLength = 0;
  let refLength = 0;
  const perItem: number[][] = [];
  pairs.forEach((p, idx) => {
    if (p.references.length === 0) throw new ModalflowError('MF_METRIC_INPUT', `item ${idx} has no reference caption`, {});
    const maxRef: Map<string, number>[] = Array.from({ length: n }, () => new Map());
    const refLens: number[] = [];
    for (const ref of p.references) {
      const w = words(ref);
      refLens.push(w.length);
      ngramCounts(w, n).forEach((m, k) => m.forEach((c, g) => maxRef[k]!.set(g, Math.max(maxRef[k]!.get(g) ?? 0, c))));
    }
    const hw = words(p.hypothesis);
    const tl = hw.length;
    let rl = refLens[0]!;
    for (const l of refLens) {
      const d = Math.abs(l - tl);
      const best = Math.abs(rl - tl);
      if (d < best || (d === best && l < rl)) rl = l;
    }
    const g = Array.from({ length: n }, (_, k) => Math.max(0, tl - k));
    const c = new Array<number>(n).fill(0);
    ngramCounts(hw, n).forEach((m, k) => m.forEach((cnt, gram) => (c[k]! += Math.min(maxRef[k]!.get(gram) ?? 0, cnt))));
    testLength += tl;
    refLength += rl;
    const sentence: number[] = [];
    let prod = 1;
    for (let k = 0; k < n; k++) {
      guess[k]! += g[k]!;
      correct[k]! += c[k]!;
      prod *= (c[k]! + TINY) / (g[k]! + SMALL);
      sentence.push(prod ** (1 / (k + 1)));
    }
    const ratio = (tl + TINY) / (rl + SMALL);
    if (ratio < 1) for (let k = 0; k < n; k++) sentence[k]! *= Math.exp(1 - 1 / ratio);
    perItem.push(sentence);
  });
  const out: number[] = [];
  let prod = 1;
  for (let k = 0; k < n; k++) {
    prod *= (correct[k]! + TINY) / (guess[k]! + SMALL);
    out.push(prod ** (1 / (k + 1)));
  }
  const ratio = (testLength + TINY) / (refLength + SMALL);
  if (ratio < 1) for (let k = 0; k < n; k++) out[k]! *= Math.exp(1 - 1 / ratio);
  return { bleu: out, perItem, testLength, refLength };
}
