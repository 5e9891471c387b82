import { describe, expect, it } from 'vitest';
import { f64, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import linear from './linear.ts';

describe('layer.linear', () => {
  it('computes x W^T + b over the last axis', async () => {
    const x = randomTensor([2, 3, 5], 11);
    const { outputs, weights } = await runNode(linear, { params: { out: 4 }, inputs: { x } });
    expect(outputs['y']!.dims).toEqual([2, 3, 4]);
    expect(weights['weight']!.dims).toEqual([4, 5]);
    const ref = linearRef(f64(x), 5, f64(weights['weight']!), 4, f64(weights['bias']!));
    expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('omits the bias when asked and counts parameters from shapes', async () => {
    const x = randomTensor([3, 6], 2);
    const { outputs, weights } = await runNode(linear, { params: { out: 2, bias: false }, inputs: { x } });
    expect(Object.keys(weights)).toEqual(['weight']);
    expect(relError(f64(outputs['y']!), linearRef(f64(x), 6, f64(weights['weight']!), 2))).toBeLessThanOrEqual(1e-5);
  });

  it('uses supplied PyTorch-layout weights', async () => {
    const x = randomTensor([1, 2], 3);
    const weight = { dtype: 'float32' as const, dims: [3, 2], data: Float32Array.from([1, 0, 0, 1, 1, 1]) };
    const bias = { dtype: 'float32' as const, dims: [3], data: Float32Array.from([0, 0, 10]) };
    const { outputs } = await runNode(linear, { params: { out: 3 }, inputs: { x }, weights: { weight, bias } });
    const [a, b] = f64(x);
    expect(Array.from(f64(outputs['y']!))).toEqual([a, b, 10 + a! + b!].map((v) => Math.fround(v!)));
  });
});
