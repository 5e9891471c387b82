import { describe, expect, it } from 'vitest';
import { bleu } from './bleu.ts';

describe('bleu', () => {
  it('is 1 for a candidate equal to a reference', () => {
    const r = bleu([{ hypothesis: 'a cat sits on the mat', references: ['a cat sits on the mat', 'there is a cat'] }]);
    r.bleu.forEach((b) => expect(b).toBeCloseTo(1, 9));
  });

  it('clips counts, takes the closest reference length and applies the brevity penalty', () => {
    // Candidate "the the the" (3 words) against "the cat" (2) and "the the cat sat" (4): both
    // lengths are 1 away, the shorter (2) wins, so there is no brevity penalty.
    // Unigrams: "the" ×3 clipped to its most in one reference (2) -> 2/3.
    // Bigrams: "the the" ×2 clipped to 1 -> 1/2.
    const r = bleu([{ hypothesis: 'the the the', references: ['the cat', 'the the cat sat'] }], 2);
    expect(r.refLength).toBe(2);
    expect(r.bleu[0]).toBeCloseTo(2 / 3, 9);
    expect(r.bleu[1]).toBeCloseTo(Math.sqrt((2 / 3) * (1 / 2)), 9);
    // A 2-word candidate against a 4-word reference: BP = exp(1 - 4/2).
    const short = bleu([{ hypothesis: 'the cat', references: ['the cat sat down'] }], 1);
    expect(short.bleu[0]).toBeCloseTo(Math.exp(1 - 2), 9);
  });

  it('pools counts over the corpus rather than averaging sentences', () => {
    const r = bleu(
      [
        { hypothesis: 'a b', references: ['a b'] },
        { hypothesis: 'c d', references: ['x y'] },
      ],
      1,
    );
    expect(r.bleu[0]).toBeCloseTo(2 / 4, 9);
    expect(r.perItem[1]![0]).toBeLessThan(1e-6);
  });
});
