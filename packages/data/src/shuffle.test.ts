import { describe, expect, it } from 'vitest';
import { below, dataRng, shuffled } from './shuffle.ts';

describe('seeded shuffling', () => {
  it('gives a fixed permutation for a seed, so Node and browsers agree', () => {
    // Pinned: a change here reorders every existing training run.
    expect(shuffled([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dataRng('shuffle', 42, 0))).toEqual(PINNED);
  });

  it('is a permutation, differs by seed and by epoch, and leaves the input alone', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = shuffled(items, dataRng('shuffle', 1, 0));
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(items[0]).toBe(0);
    expect(a).not.toEqual(items);
    expect(shuffled(items, dataRng('shuffle', 2, 0))).not.toEqual(a);
    expect(shuffled(items, dataRng('shuffle', 1, 1))).not.toEqual(a);
    expect(shuffled(items, dataRng('shuffle', 1, 0))).toEqual(a);
  });

  it('draws integers in range with every value reachable', () => {
    const rng = dataRng('shuffle', 3);
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const v = below(rng, 6);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(6);
      seen.add(v);
    }
    expect(seen.size).toBe(6);
    expect(() => below(rng, 0)).toThrow(RangeError);
  });

  it('favours no value when n does not divide 2^32', () => {
    // With n = 3·2^30 a plain modulo would put half the draws below 2^30 instead of a third.
    const rng = dataRng('shuffle', 4);
    const n = 3 * 2 ** 30;
    let low = 0;
    for (let i = 0; i < 4000; i++) if (below(rng, n) < 2 ** 30) low++;
    expect(low / 4000).toBeGreaterThan(0.3);
    expect(low / 4000).toBeLessThan(0.37);
  });
});

const PINNED = [0, 7, 5, 6, 2, 4, 9, 8, 1, 3];
