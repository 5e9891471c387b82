import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import batchNorm from './batch-norm.ts';

/** y[b, c, l] = (x - mean_c) / sqrt(var_c + eps) * gamma_c + beta_c, channels on axis 1. */
function bnRef(x: Float64Array, dims: number[], get: (n: string) => Float64Array | undefined, eps: number): Float64Array {
  const [B, C, L = 1] = dims as [number, number, number?];
  const mean = get('running_mean')!;
  const v = get('running_var')!;
  const gamma = get('weight');
  const beta = get('bias');
  const y = new Float64Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      for (let l = 0; l < L; l++) {
        const k = (b * C + c) * L + l;
        const n = (x[k]! - mean[c]!) / Math.sqrt(v[c]! + eps);
        y[k] = gamma ? n * gamma[c]! + beta![c]! : n;
      }
    }
  }
  return y;
}

describe('layer.batch_norm', () => {
  for (const dims of [[3, 5], [2, 4, 3]]) {
    it(`normalises [${dims.join(', ')}] with the running statistics`, async () => {
      const x = randomTensor(dims, 5, 3);
      const params = { eps: 1e-3 };
      const weights = randomWeights(batchNorm, { params, inputs: { x } }, 7);
      const { outputs } = await runNode(batchNorm, { params, inputs: { x }, weights });
      expect(outputs['y']!.dims).toEqual(dims);
      const ref = bnRef(f64(x), dims, (n) => (weights[n] ? f64(weights[n]!) : undefined), 1e-3);
      expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('without affine it only standardises', async () => {
    const x = randomTensor([2, 3], 9, 2);
    const weights = randomWeights(batchNorm, { params: { affine: false }, inputs: { x } }, 3);
    expect(Object.keys(weights)).toEqual(['running_mean', 'running_var']);
    const { outputs } = await runNode(batchNorm, { params: { affine: false }, inputs: { x }, weights });
    expect(relError(f64(outputs['y']!), bnRef(f64(x), [2, 3], (n) => (weights[n] ? f64(weights[n]!) : undefined), 1e-5))).toBeLessThanOrEqual(1e-5);
  });

  it('counts weight and bias only, as PyTorch parameters(): BatchNorm1d(74) has 148', () => {
    const { info } = analyzeNode(batchNorm, { x: shapeOnly([1, 74]) });
    expect(Object.keys(info.weights)).toEqual(['weight', 'bias', 'running_mean', 'running_var']);
    expect(info.weights['running_var']!.buffer).toBe(true);
    expect(info.paramCount).toBe(148);
  });

  it('rejects inputs without a channel axis 1, naming the port', () => {
    for (const dims of [[4], [1, 2, 3, 4]]) {
      const { problems } = analyzeNode(batchNorm, { x: shapeOnly(dims) });
      expect(problems[0]?.code).toBe('MF_SHAPE_INFER');
      expect(problems[0]?.message).toMatch(/"x"/);
      expect(problems[0]?.at.port).toBe('x');
    }
  });
});
