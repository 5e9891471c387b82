import { describe, expect, it } from 'vitest';
import { classification } from './classification.ts';

describe('classification', () => {
  it('counts top-1, top-k and the confusion matrix', () => {
    const scores = [
      [0.7, 0.2, 0.1], // true 0, predicted 0
      [0.5, 0.3, 0.2], // true 1, predicted 0, 2nd
      [0.1, 0.3, 0.6], // true 2, predicted 2
      [0.2, 0.3, 0.5], // true 0, predicted 2, 3rd
    ].flat();
    const r = classification(scores, 3, [0, 1, 2, 0], [1, 2]);
    expect(r.accuracy).toBe(50);
    expect(r.topK).toEqual({ 'top-1': 50, 'top-2': 75 });
    expect(r.confusion).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(r.perClass).toEqual([50, 0, 100]);
  });

  it('does not count a tie as right', () => {
    expect(classification([1, 1, 1, 1], 2, [1, 1]).accuracy).toBe(0);
  });
});
