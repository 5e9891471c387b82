import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { weights64 } from '../testing/fusion-reference.ts';
import lowRank from './low-rank.ts';
import tensorFusion from './tensor.ts';

/** y[n, o] = sum_i w_i prod_m (sum_j z_m[n, j] F_m[i, j, o]) + bias[o], z_m = [1; h_m]. */
function lmfRef(parts: { x: Float64Array; d: number; f: Float64Array }[], w: Float64Array, bias: Float64Array, rank: number, dy: number) {
  const rows = parts[0]!.x.length / parts[0]!.d;
  const y = new Float64Array(rows * dy);
  for (let n = 0; n < rows; n++) {
    for (let o = 0; o < dy; o++) {
      let acc = bias[o]!;
      for (let i = 0; i < rank; i++) {
        let prod = 1;
        for (const { x, d, f } of parts) {
          let s = f[(i * (d + 1)) * dy + o]!;
          for (let j = 1; j <= d; j++) s += x[n * d + j - 1]! * f[(i * (d + 1) + j) * dy + o]!;
          prod *= s;
        }
        acc += w[i]! * prod;
      }
      y[n * dy + o] = acc;
    }
  }
  return y;
}

const f32 = (dims: number[], data: ArrayLike<number>): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from(data) });

describe('fusion.low_rank', () => {
  it('computes sum_i w_i prod_m (z_m^T W_m^(i)) + b for three modalities', async () => {
    const a = randomTensor([3, 2], 1);
    const b = randomTensor([3, 4], 2);
    const c = randomTensor([3, 3], 3);
    const bias = randomTensor([1, 5], 9, 0.5);
    const { outputs, weights } = await runNode(lowRank, { params: { dim: 5, rank: 3 }, inputs: { a, b, c }, weights: { fusion_bias: bias } });
    expect(weights['factors.a']!.dims).toEqual([3, 3, 5]);
    expect(weights['fusion_weights']!.dims).toEqual([1, 3]);
    expect(weights['fusion_bias']!.dims).toEqual([1, 5]);
    const W = weights64(weights);
    const ref = lmfRef(
      [{ x: f64(a), d: 2, f: W('factors.a') }, { x: f64(b), d: 4, f: W('factors.b') }, { x: f64(c), d: 3, f: W('factors.c') }],
      W('fusion_weights'), W('fusion_bias'), 3, 5,
    );
    expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('works over sequences of two modalities', async () => {
    const a = randomTensor([2, 3, 2], 4);
    const b = randomTensor([2, 3, 3], 5);
    const { outputs, weights } = await runNode(lowRank, { params: { dim: 4, rank: 2 }, inputs: { a, b } });
    expect(outputs['y']!.dims).toEqual([2, 3, 4]);
    const W = weights64(weights);
    const ref = lmfRef([{ x: f64(a), d: 2, f: W('factors.a') }, { x: f64(b), d: 3, f: W('factors.b') }], W('fusion_weights'), W('fusion_bias'), 2, 4);
    expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('equals tensor fusion whose weight is the composed tensor sum_i w_i ⊗_m W_m^(i)', async () => {
    const dims = { a: 2, b: 3, c: 2 };
    const [rank, dy] = [3, 4];
    const inputs = { a: randomTensor([4, dims.a], 11), b: randomTensor([4, dims.b], 12), c: randomTensor([4, dims.c], 13) };
    const factors = {
      a: randomTensor([rank, dims.a + 1, dy], 21, 0.7),
      b: randomTensor([rank, dims.b + 1, dy], 22, 0.7),
      c: randomTensor([rank, dims.c + 1, dy], 23, 0.7),
    };
    const fw = randomTensor([1, rank], 24);
    const fb = randomTensor([1, dy], 25);
    const low = await runNode(lowRank, {
      params: { dim: dy, rank },
      inputs,
      weights: { 'factors.a': factors.a, 'factors.b': factors.b, 'factors.c': factors.c, fusion_weights: fw, fusion_bias: fb },
    });

    // W[o, (i, j, k)] = sum_r w_r A[r, i, o] B[r, j, o] C[r, k, o], flattened with a outermost.
    const [na, nb, nc] = [dims.a + 1, dims.b + 1, dims.c + 1];
    const [A, B, C, w] = [f64(factors.a), f64(factors.b), f64(factors.c), f64(fw)];
    const composed = new Float64Array(dy * na * nb * nc);
    for (let o = 0; o < dy; o++) {
      for (let i = 0; i < na; i++) {
        for (let j = 0; j < nb; j++) {
          for (let k = 0; k < nc; k++) {
            let s = 0;
            for (let r = 0; r < rank; r++) s += w[r]! * A[(r * na + i) * dy + o]! * B[(r * nb + j) * dy + o]! * C[(r * nc + k) * dy + o]!;
            composed[o * na * nb * nc + (i * nb + j) * nc + k] = s;
          }
        }
      }
    }
    const full = await runNode(tensorFusion, {
      params: { dim: dy },
      inputs,
      weights: { 'post_fusion_layer_1.weight': f32([dy, na * nb * nc], composed), 'post_fusion_layer_1.bias': f32([dy], f64(fb)) },
    });
    expect(full.outputs['z']!.dims).toEqual([4, dy]);
    expect(relError(f64(low.outputs['y']!), f64(full.outputs['z']!))).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters as the LMF reference (MOSI: audio 8, video 4, text 64, rank 4, output 1)', () => {
    const doc = singleNodeGraph(lowRank, {
      params: { dim: 1, rank: 4 },
      inputs: { a: randomTensor([1, 8]), b: randomTensor([1, 4]), c: randomTensor([1, 64]) },
    });
    const info = analyzeGraph(doc, registryWith(lowRank)).nodes.get('n')!;
    expect(info.paramCount).toBe(4 * 9 * 1 + 4 * 5 * 1 + 4 * 65 * 1 + 4 + 1);
  });

  it('rejects inputs of different rank', () => {
    const bad = analyzeGraph(singleNodeGraph(lowRank, { inputs: { a: randomTensor([2, 3]), b: randomTensor([2, 1, 4]) } }), registryWith(lowRank));
    const p = bad.problems.find((q) => q.severity === 'error')!;
    expect(p.code).toBe('MF_SHAPE_INFER');
    expect(p.message).toContain('"b"');
  });
});
