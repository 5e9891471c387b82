import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '../index.ts';
import { f64, randomTensor, relError } from '../testing/index.ts';
import { graphDoc, runGraph } from './run-graph.ts';

describe('input.regions', () => {
  it('gives features [B, 36, 2048] and boxes [B, 36, 4] by default', () => {
    const doc = graphDoc([['r', 'input.regions'], ['of', 'output.tensor'], ['ob', 'output.tensor']], [['r.features', 'of.value'], ['r.boxes', 'ob.value']]);
    const info = analyzeGraph(doc, createRegistry()).nodes.get('r')!;
    expect(info.outputShapes).toEqual({ features: ['B', 36, 2048], boxes: ['B', 36, 4] });
    const { plan } = compileGraph(doc, createRegistry());
    expect(plan.inputs.map((i) => [i.name, i.kind, i.dtype])).toEqual([
      ['r.features', 'regions', 'float32'],
      ['r.boxes', 'regions', 'float32'],
    ]);
  });

  it('feeds each port under <id>.<port>; num_regions 0 leaves the count symbolic', async () => {
    const doc = graphDoc(
      [['r', 'input.regions', { num_regions: 0, feature_dim: 6 }], ['pool', 'pool.mean'], ['of', 'output.tensor'], ['ob', 'output.tensor']],
      [['r.features', 'pool.x'], ['pool.pooled', 'of.value'], ['r.boxes', 'ob.value']],
    );
    expect(analyzeGraph(doc, createRegistry()).nodes.get('r')!.outputShapes['boxes']).toEqual(['B', 'N_r', 4]);
    const features = randomTensor([2, 3, 6], 4);
    const boxes = randomTensor([2, 3, 4], 5, 100);
    const out = await runGraph(doc, { 'r.features': features, 'r.boxes': boxes });
    const x = f64(features);
    const ref: number[] = [];
    for (let b = 0; b < 2; b++) for (let j = 0; j < 6; j++) ref.push((x[(b * 3) * 6 + j]! + x[(b * 3 + 1) * 6 + j]! + x[(b * 3 + 2) * 6 + j]!) / 3);
    expect(relError(f64(out['of']!), ref)).toBeLessThanOrEqual(1e-5);
    expect(Array.from(out['ob']!.data as Float32Array)).toEqual(Array.from(boxes.data as Float32Array));
  });

  it('names its batch axis after `batch`', () => {
    const doc = graphDoc([['r', 'input.regions', { batch: 'N', num_regions: 5, feature_dim: 8 }], ['of', 'output.tensor'], ['ob', 'output.tensor']], [['r.features', 'of.value'], ['r.boxes', 'ob.value']]);
    expect(analyzeGraph(doc, createRegistry()).nodes.get('r')!.outputShapes).toEqual({ features: ['N', 5, 8], boxes: ['N', 5, 4] });
  });
});
