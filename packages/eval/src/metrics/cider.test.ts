import { describe, expect, it } from 'vitest';
import { ciderD } from './cider.ts';

describe('ciderD', () => {
  it('works out by hand for one-word sentences over two images', () => {
    // Two images; every n-gram order above 1 is empty, so only unigrams count and each
    // per-order similarity is averaged over n = 4. "cat" is in image 0's references only:
    // df = 1, idf = log(2) - log(1). Candidate == reference -> cosine 1, no length penalty,
    // so image 0 scores 10 * (1 / 4). Image 1's candidate shares nothing -> 0.
    const r = ciderD([
      { hypothesis: 'cat', references: ['cat'] },
      { hypothesis: 'dog', references: ['bird'] },
    ]);
    expect(r.perItem[0]).toBeCloseTo(2.5, 12);
    expect(r.perItem[1]).toBe(0);
    expect(r.cider).toBeCloseTo(1.25, 12);
  });

  it('gives no credit for an n-gram found in every image\'s references (idf 0)', () => {
    const r = ciderD([
      { hypothesis: 'a', references: ['a'] },
      { hypothesis: 'a', references: ['a'] },
    ]);
    expect(r.cider).toBe(0);
  });

  it('clips repeated n-grams at the reference weight, so repetition does not pay', () => {
    const refs = ['a man rides a horse', 'a person on a horse'];
    const other = { hypothesis: 'dog', references: ['a dog runs'] };
    const once = ciderD([{ hypothesis: 'a man rides a horse', references: refs }, other]).perItem[0]!;
    const spam = ciderD([{ hypothesis: 'horse horse horse horse horse', references: refs }, other]).perItem[0]!;
    expect(spam).toBeLessThan(once);
  });
});
