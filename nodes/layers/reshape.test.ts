import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { randomTensor, registryWith, runNode, singleNodeGraph } from '../testing/index.ts';
import reshape from './reshape.ts';

describe('layer.reshape', () => {
  it('flattens everything after the batch in row-major order, as torch.flatten(x, 1)', async () => {
    const x = randomTensor([2, 3, 2, 2], 4);
    const { outputs } = await runNode(reshape, { inputs: { x } });
    expect(outputs['y']!.dims).toEqual([2, 12]);
    expect(Array.from(outputs['y']!.data as Float32Array)).toEqual(Array.from(x.data as Float32Array));
  });

  it('splits the last axis into rows, filling in -1', async () => {
    const x = { dtype: 'float32' as const, dims: [1, 6], data: Float32Array.from([0, 1, 2, 3, 4, 5]) };
    const { outputs } = await runNode(reshape, { params: { shape: [-1, 3] }, inputs: { x } });
    expect(outputs['y']!.dims).toEqual([1, 2, 3]);
    expect(Array.from(outputs['y']!.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps more than one leading axis when asked', async () => {
    const x = randomTensor([2, 3, 4], 5);
    const { outputs } = await runNode(reshape, { params: { keep: 2, shape: [2, 2] }, inputs: { x } });
    expect(outputs['y']!.dims).toEqual([2, 3, 2, 2]);
  });

  it('refuses sizes that do not fit, two -1s, a 0, or a symbolic axis to reshape, naming the param or port', () => {
    const problem = (dims: number[], params: Record<string, unknown>) =>
      analyzeGraph(singleNodeGraph(reshape, { params, inputs: { x: { dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, d) => a * d, 1)) } } }), registryWith(reshape)).problems[0];
    expect(problem([2, 6], { shape: [4, 2] })).toMatchObject({ code: 'MF_SHAPE_INFER', at: { node: 'n', port: 'x' }, message: expect.stringContaining('[4, 2]') });
    expect(problem([2, 6], { shape: [-1, 4] })).toMatchObject({ code: 'MF_SHAPE_INFER', at: { port: 'x' } });
    expect(problem([2, 6], { shape: [-1, -1] })).toMatchObject({ code: 'MF_SHAPE_INFER', message: expect.stringContaining('more than one -1') });
    expect(problem([2, 6], { shape: [0, 6] })).toMatchObject({ code: 'MF_SHAPE_INFER', message: expect.stringContaining('has a 0') });
    expect(problem([2, 6], { keep: 3 })).toMatchObject({ code: 'MF_SHAPE_INFER', message: expect.stringContaining('keep is 3') });
    expect(problem([2, 6], { shape: [3, 2] })).toBeUndefined();
  });
});
