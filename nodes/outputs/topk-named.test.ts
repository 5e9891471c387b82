import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { randomTensor, registryWith, runNode, singleNodeGraph } from '../testing/index.ts';
import topk from './topk-named.ts';

const names = (...data: string[]): Tensor => ({ dtype: 'string', dims: [data.length], data });
const NAMES = ['a cat', 'a dog', 'a car', 'a bird'];

describe('output.topk_named', () => {
  it('ranks every class by default and names it from the names input', async () => {
    const scores: Tensor = { dtype: 'float32', dims: [2, 4], data: Float32Array.from([0.1, 0.6, 0.2, 0.1, 0.25, 0.25, 0.5, 0]) };
    const { outputs } = await runNode(topk, { inputs: { scores, names: names(...NAMES) } });
    expect(Array.from(outputs['indices']!.data as BigInt64Array, Number)).toEqual([1, 2, 0, 3, 2, 0, 1, 3]);
    expect(outputs['labels']).toEqual({ dtype: 'string', dims: [2, 4], data: ['a dog', 'a car', 'a cat', 'a bird', 'a car', 'a cat', 'a dog', 'a bird'] });
    expect(Array.from(outputs['scores']!.data as Float32Array)).toEqual(Array.from(Float32Array.from([0.6, 0.2, 0.1, 0.1, 0.5, 0.25, 0.25, 0])));
    expect((outputs['ranking']!.data as string[]).slice(0, 4)).toEqual(['a dog: 0.6000', 'a car: 0.2000', 'a cat: 0.1000', 'a bird: 0.1000']);
  });

  it('keeps k when there are enough classes, all of them when there are not; NaN sorts last', async () => {
    const scores = randomTensor([3, 4], 5);
    const top2 = await runNode(topk, { params: { k: 2 }, inputs: { scores, names: names(...NAMES) } });
    expect(top2.outputs['labels']!.dims).toEqual([3, 2]);
    const nan: Tensor = { dtype: 'float32', dims: [1, 3], data: Float32Array.from([NaN, -1, 2]) };
    const all = await runNode(topk, { params: { k: 9 }, inputs: { scores: nan, names: names('x', 'y', 'z') } });
    expect(all.outputs['labels']!.data).toEqual(['z', 'y', 'x']);
    expect(all.outputs['ranking']!.data).toEqual(['z: 2.0000', 'y: -1.0000', 'x: NaN']);
  });

  it('declares [B, C] for k = 0 and [B, min(k, C)] for a known C', () => {
    const shape = (k: number) => {
      const a = analyzeGraph(singleNodeGraph(topk, { params: { k }, inputs: { scores: randomTensor([2, 3]), names: names('a', 'b', 'c') } }), registryWith(topk));
      expect(a.problems).toEqual([]);
      return a.nodes.get('n')!.outputShapes['labels'];
    };
    expect(shape(0)).toEqual([2, 3]);
    expect(shape(2)).toEqual([2, 2]);
    expect(shape(5)).toEqual([2, 3]);
  });

  it('refuses names that do not match the classes', async () => {
    await expect(runNode(topk, { inputs: { scores: randomTensor([1, 4], 1), names: names('a', 'b') } })).rejects.toMatchObject({
      code: 'MF_HOST_INPUT', at: { node: 'n', port: 'names' },
    });
  });
});
