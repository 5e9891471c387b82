import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import concat from './concat.ts';

describe('fusion.concat', () => {
  it('concatenates features along the last axis', async () => {
    const a = randomTensor([2, 3], 1);
    const b = randomTensor([2, 1], 2);
    const c = randomTensor([2, 2], 3);
    const { outputs } = await runNode(concat, { inputs: { a, b, c } });
    expect(outputs['h']!.dims).toEqual([2, 6]);
    const [xa, xb, xc] = [f64(a), f64(b), f64(c)];
    const ref = [0, 1].flatMap((r) => [...xa.slice(r * 3, r * 3 + 3), ...xb.slice(r, r + 1), ...xc.slice(r * 2, r * 2 + 2)]);
    expect(relError(f64(outputs['h']!), ref)).toBeLessThanOrEqual(0);
  });

  it('rejects inputs whose leading axes or ranks differ, and scalars', () => {
    const errors = (inputs: Record<string, Tensor>) =>
      analyzeGraph(singleNodeGraph(concat, { inputs }), registryWith(concat)).problems.filter((p) => p.severity === 'error');
    const batch = errors({ a: randomTensor([2, 3]), b: randomTensor([3, 3]) });
    expect(batch[0]!.code).toBe('MF_SHAPE_INFER');
    expect(batch[0]!.message).toContain('"b"');
    const rank = errors({ a: randomTensor([2, 3]), b: randomTensor([2, 4, 3]) });
    expect(rank[0]!.message).toContain('"b"');
    const scalar = errors({ a: randomTensor([2, 3]), b: { dtype: 'float32', dims: [], data: Float32Array.of(1) } });
    expect(scalar[0]!.at.port).toBe('b');
  });
});
