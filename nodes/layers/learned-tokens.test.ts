import { describe, expect, it } from 'vitest';
import { f64, randomTensor, runNode } from '../testing/index.ts';
import learnedTokens from './learned-tokens.ts';

describe('layer.learned_tokens', () => {
  it('adds the context vectors at positions offset..offset+M-1 of every sequence and leaves the rest', async () => {
    const x = randomTensor([2, 6, 3], 4);
    const context = randomTensor([2, 3], 5);
    const { outputs } = await runNode(learnedTokens, { inputs: { x }, params: { count: 2, offset: 1 }, weights: { context } });
    const y = f64(outputs['y']!);
    const xv = f64(x);
    const c = f64(context);
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 6; t++) {
        for (let d = 0; d < 3; d++) {
          const k = (b * 6 + t) * 3 + d;
          const add = t >= 1 && t < 3 ? c[(t - 1) * 3 + d]! : 0;
          expect(y[k]).toBeCloseTo(xv[k]! + add, 6);
        }
      }
    }
  });

  it('declares a [M, D] context weight with CoOp\'s small starting spread', async () => {
    const { weights } = await runNode(learnedTokens, { inputs: { x: randomTensor([1, 8, 5]) }, params: { count: 4 } });
    expect(weights['context']!.dims).toEqual([4, 5]);
    const v = f64(weights['context']!);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.02 * Math.sqrt(3) + 1e-7);
    expect(v.some((e) => e !== 0)).toBe(true);
  });

  it('refuses context that runs past the end of the sequence', async () => {
    await expect(runNode(learnedTokens, { inputs: { x: randomTensor([1, 4, 2]) }, params: { count: 4, offset: 1 } })).rejects.toThrow(/runs past the 4 tokens/);
  });
});
