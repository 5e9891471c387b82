import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { act, f64, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { weights64 } from '../testing/fusion-reference.ts';
import sum from './sum.ts';

const errors = (inputs: Record<string, Tensor>, params: Record<string, unknown> = {}) =>
  analyzeGraph(singleNodeGraph(sum, { inputs, params }), registryWith(sum)).problems.filter((p) => p.severity === 'error');

describe('fusion.sum', () => {
  it('adds same-shaped inputs element-wise without weights', async () => {
    const a = randomTensor([2, 3, 4], 1);
    const b = randomTensor([2, 3, 4], 2);
    const c = randomTensor([2, 3, 4], 3);
    const { outputs, weights } = await runNode(sum, { inputs: { a, b, c } });
    expect(Object.keys(weights)).toEqual([]);
    const [xa, xb, xc] = [f64(a), f64(b), f64(c)];
    expect(relError(f64(outputs['h']!), xa.map((v, k) => v + xb[k]! + xc[k]!))).toBeLessThanOrEqual(1e-5);
  });

  it('projects inputs of different widths to dim, applies the activation, then adds', async () => {
    const a = randomTensor([3, 5], 4);
    const b = randomTensor([3, 2], 5);
    const d = randomTensor([3, 7], 6);
    const { outputs, weights } = await runNode(sum, { params: { dim: 4, activation: 'relu' }, inputs: { a, b, d } });
    expect(outputs['h']!.dims).toEqual([3, 4]);
    expect(Object.keys(weights).sort()).toEqual(['linear0.bias', 'linear0.weight', 'linear1.bias', 'linear1.weight', 'linear3.bias', 'linear3.weight']);
    const W = weights64(weights);
    const ref = new Float64Array(12);
    for (const [k, x, din] of [[0, a, 5], [1, b, 2], [3, d, 7]] as const) {
      const y = linearRef(f64(x), din, W(`linear${k}.weight`), 4, W(`linear${k}.bias`));
      y.forEach((v, i) => (ref[i]! += act['relu']!(v)));
    }
    expect(relError(f64(outputs['h']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('counts projection parameters', () => {
    const info = analyzeGraph(
      singleNodeGraph(sum, { params: { dim: 1200, bias: false }, inputs: { a: randomTensor([1, 2048]), b: randomTensor([1, 768]) } }),
      registryWith(sum),
    ).nodes.get('n')!;
    expect(info.paramCount).toBe(1200 * 2048 + 1200 * 768);
  });

  it('rejects different widths without projections and mismatched leading axes', () => {
    const width = errors({ a: randomTensor([2, 4]), b: randomTensor([2, 5]) });
    expect(width[0]!.code).toBe('MF_SHAPE_INFER');
    expect(width[0]!.message).toContain('"b"');
    expect(width[0]!.at.port).toBe('b');
    const batch = errors({ a: randomTensor([2, 4]), b: randomTensor([2, 4]), c: randomTensor([3, 4]) }, { dim: 8 });
    expect(batch[0]!.code).toBe('MF_SHAPE_INFER');
    expect(batch[0]!.message).toContain('"c"');
    const rank = errors({ a: randomTensor([2, 3, 4]), b: randomTensor([2, 4]) }, { dim: 8 });
    expect(rank[0]!.message).toContain('"b"');
  });
});
