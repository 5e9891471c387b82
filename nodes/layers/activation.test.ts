import { describe, expect, it } from 'vitest';
import { act, f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { ACTIVATIONS } from '../lib/ops.ts';
import activation from './activation.ts';

describe('layer.activation', () => {
  it.each(ACTIVATIONS)('%s matches its formula in float64', async (fn) => {
    const x = randomTensor([3, 7], 5, 4);
    const { outputs } = await runNode(activation, { params: { fn }, inputs: { x } });
    const ref = Array.from(f64(x), act[fn]!);
    expect(outputs['y']!.dims).toEqual([3, 7]);
    expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
  });
});
