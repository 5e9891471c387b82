import { describe, expect, it } from 'vitest';
import { averageMetrics, diagonalWins, headlineAccuracy } from './metrics.ts';

describe('training metrics', () => {
  it('charts retrieval for a contrastive loss, class accuracy for cross-entropy, nothing otherwise', () => {
    expect(headlineAccuracy({ 'contrastive.loss': 2, 'contrastive.text_to_image': 0.4, 'contrastive.image_to_text': 0.5 })).toBe(0.5);
    expect(headlineAccuracy({ 'ce.loss': 1, 'ce.accuracy': 0.75 })).toBe(0.75);
    expect(headlineAccuracy({ 'mse.loss': 1 })).toBeNull();
  });

  it('averages held-out batches weighted by their examples', () => {
    const avg = averageMetrics([
      { loss: 1, metrics: { a: 0 }, examples: 32 },
      { loss: 4, metrics: { a: 1 }, examples: 96 },
    ]);
    expect(avg).toEqual({ loss: 3.25, metrics: { a: 0.75 }, examples: 128 });
    expect(averageMetrics([])).toEqual({ loss: 0, metrics: {}, examples: 0 });
  });

  it('counts rows whose own column scores highest, ties included', () => {
    expect(diagonalWins(3, [3, 1, 0, 2, 2, 0, 5, 0, 1])).toBe(2);
    expect(diagonalWins(2, [0, 1, 1, 0])).toBe(0);
  });
});
