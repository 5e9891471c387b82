import { describe, expect, it } from 'vitest';
import temporal from './temporal.ts';
import { runNode } from '../testing/run-node.ts';
import { f64, randomTensor, relError } from '../testing/index.ts';
import { getter, layerRef, randomWeights } from '../testing/transformer-reference.ts';

describe('pool.temporal', () => {
  const B = 2, F = 3, D = 8;
  const x = randomTensor([B * F, D], 11);

  it('mean: averages each clip\'s consecutive frames', async () => {
    const { outputs } = await runNode(temporal, { params: { frames: F, dim: D }, inputs: { x } });
    const v = f64(x);
    const want = new Float64Array(B * D);
    for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) for (let d = 0; d < D; d++) want[b * D + d]! += v[(b * F + f) * D + d]! / F;
    expect(outputs['pooled']!.dims).toEqual([B, D]);
    expect(relError(outputs['pooled']!.data as Float32Array, want)).toBeLessThan(1e-6);
    expect(relError(outputs['seq']!.data as Float32Array, v)).toBe(0);
  });

  it('transformer: mean of Transformer(X + P) + X (CLIP4Clip seqTransf)', async () => {
    const params = { frames: F, dim: D, mode: 'transformer', layers: 2, heads: 2, mlp_dim: 16 };
    const weights = randomWeights(temporal, { params, inputs: { x } }, 9);
    const { outputs } = await runNode(temporal, { params, inputs: { x }, weights });
    const get = getter(weights);
    const v = f64(x);
    const pos = get('frame_position_embeddings.weight');
    let h: Float64Array = v.map((val, k) => val + pos[k % (F * D)]!);
    const cfg = { dim: D, heads: 2, mlpDim: 16, activation: 'quick_gelu', norm: 'pre' as const, eps: 1e-5 };
    for (let k = 0; k < 2; k++) h = layerRef(h, B, F, cfg, get, `layers.${k}.`).y;
    h = h.map((val, k) => val + v[k]!);
    const want = new Float64Array(B * D);
    for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) for (let d = 0; d < D; d++) want[b * D + d]! += h[(b * F + f) * D + d]! / F;
    expect(relError(outputs['pooled']!.data as Float32Array, want)).toBeLessThan(1e-5);
  });

  it('refuses frame counts that do not fill whole clips', () => {
    expect(temporal.checkInput!({ x: [7, D] }, { node: 'n', params: { frames: 3 } } as never)).toMatchObject({ code: 'MF_BAD_INPUT', port: 'x' });
  });
});
