import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { f64, layerNormRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
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

  it('refuses an empty last axis or a scalar in analysis, naming the port, instead of failing in the runtime', () => {
    const problem = (dims: number[]) =>
      analyzeGraph(singleNodeGraph(layerNorm, { inputs: { x: { dtype: 'float32', dims, data: new Float32Array(0) } } }), registryWith(layerNorm)).problems[0];
    expect(problem([2, 3, 0])).toMatchObject({ code: 'MF_SHAPE_INFER', at: { node: 'n', port: 'x' }, message: expect.stringContaining('[2, 3, 0]') });
    expect(problem([])).toMatchObject({ code: 'MF_SHAPE_INFER', at: { port: 'x' } });
    expect(problem([2, 0, 3])).toBeUndefined();
  });
});
