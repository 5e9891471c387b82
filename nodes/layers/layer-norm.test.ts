import { describe, expect, it } from 'vitest';
import { f64, layerNormRef, randomTensor, relError, runNode } from '../testing/index.ts';
import layerNorm from './layer-norm.ts';

describe('layer.layer_norm', () => {
  it('normalises the last axis and applies its gain and bias', async () => {
    const x = randomTensor([2, 3, 6], 9, 3);
    const weight = randomTensor([6], 2);
    const bias = randomTensor([6], 3);
    const { outputs } = await runNode(layerNorm, { params: { eps: 1e-5 }, inputs: { x }, weights: { weight, bias } });
    const ref = layerNormRef(f64(x), 6, f64(weight), f64(bias), 1e-5);
    expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
  });
});
