import { describe, expect, it } from 'vitest';
import { retrievalRecall } from './retrieval.ts';

describe('retrievalRecall', () => {
  it('ranks by hand on three images and four captions', () => {
    // scores[image][text]; texts 0,1 describe image 0, text 2 image 1, text 3 image 2.
    const scores = [
      [0.9, 0.1, 0.5, 0.2],
      [0.8, 0.3, 0.4, 0.7],
      [0.1, 0.2, 0.6, 0.3],
    ].flat();
    const r = retrievalRecall(scores, 3, [0, 0, 1, 2], [1, 2]);
    // Text to image: text 0 -> image 0 first; text 1 -> image 1 (0.3) and 2 (0.2)... image 0 has 0.1 -> rank 3;
    // text 2 -> image 2 (0.6), 0 (0.5), 1 (0.4) -> rank 3; text 3 -> image 1 (0.7) first, image 2 (0.3) -> rank 2.
    expect(r.textRanks).toEqual([1, 3, 3, 2]);
    // Image to text: image 0 -> text 0 first; image 1 -> text 0, 3, 2 -> rank 3; image 2 -> text 2 first, text 3 -> rank 2.
    expect(r.imageRanks).toEqual([1, 3, 2]);
    expect(r.textToImage).toEqual({ 'R@1': 25, 'R@2': 50 });
    expect(r.imageToText['R@1']).toBeCloseTo(100 / 3, 12);
    expect(r.textToImageMeanRank).toBe(9 / 4);
    expect(r.textToImageMedianRank).toBe(Math.floor(1.5) + 1);
  });

  it('gives no credit for ties with a wrong candidate', () => {
    const r = retrievalRecall(new Array(9).fill(0), 3, [0, 1, 2]);
    expect(r.textToImage['R@1']).toBe(0);
    expect(r.imageToText['R@1']).toBe(0);
    expect(r.textRanks).toEqual([3, 3, 3]);
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => retrievalRecall([1, 2, 3], 2, [0, 1])).toThrow(/MF_METRIC_INPUT/);
  });
});
