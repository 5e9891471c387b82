import { describe, expect, it } from 'vitest';
import { rowBars, softmaxRows, topkBars } from './probabilities.ts';

describe('label extraction for probability bars', () => {
  it('names a top-k node’s scores with its labels and class indices', () => {
    const scores = { dtype: 'float32' as const, dims: [2, 2], data: new Float32Array([0.7, 0.2, 0.6, 0.3]) };
    const labels = { dtype: 'string' as const, dims: [2, 2], data: ['cat', 'dog', 'car', 'cat'] };
    const indices = { dtype: 'int64' as const, dims: [2, 2], data: new BigInt64Array([0n, 1n, 2n, 0n]) };
    expect(topkBars(scores, labels, indices)).toEqual([
      [{ label: 'cat', value: expect.closeTo(0.7, 6), index: 0 }, { label: 'dog', value: expect.closeTo(0.2, 6), index: 1 }],
      [{ label: 'car', value: expect.closeTo(0.6, 6), index: 2 }, { label: 'cat', value: expect.closeTo(0.3, 6), index: 0 }],
    ]);
    expect(topkBars(scores, undefined)[0]!.map((b) => b.label)).toEqual(['#0', '#1']);
  });

  it('sorts a probs row, keeps the top ones, and names classes only when every class has a name', () => {
    const probs = new Float32Array([0.1, 0.6, 0.3, 0.25, 0.25, 0.5]);
    expect(rowBars(probs, 2, 3, ['no', 'yes', 'maybe'], 2)).toEqual([
      [{ label: 'yes', value: expect.closeTo(0.6, 6), index: 1 }, { label: 'maybe', value: expect.closeTo(0.3, 6), index: 2 }],
      [{ label: 'maybe', value: 0.5, index: 2 }, { label: 'no', value: 0.25, index: 0 }],
    ]);
    expect(rowBars(probs, 2, 3, ['only one'])[0]!.map((b) => b.label)).toEqual(['#1', '#2', '#0']);
  });

  it('turns similarity rows into probabilities over the columns', () => {
    const p = softmaxRows({ dtype: 'float32', dims: [2, 2], data: new Float32Array([0, Math.log(3), 1000, 1000]) });
    expect(Array.from(p).map((v) => +v.toFixed(6))).toEqual([0.25, 0.75, 0.5, 0.5]);
  });
});
