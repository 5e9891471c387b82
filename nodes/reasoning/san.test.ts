import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, int64, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import san from './san.ts';

/** Yang et al. 2016 eqs. 15-19 with naive loops; `keep` [B*N] hides regions with 0. */
function sanRef(u0: Float64Array, V: Float64Array, B: number, N: number, D: number, A: number, hops: number, get: (n: string) => Float64Array, keep?: number[]) {
  let u = Float64Array.from(u0);
  let p = new Float64Array(B * N);
  for (let k = 0; k < hops; k++) {
    const WI = get(`hops.${k}.image.weight`);
    const WQ = get(`hops.${k}.question.weight`);
    const bA = get(`hops.${k}.question.bias`);
    const WP = get(`hops.${k}.attention.weight`);
    const bP = get(`hops.${k}.attention.bias`);
    const next = new Float64Array(B * D);
    p = new Float64Array(B * N);
    for (let b = 0; b < B; b++) {
      const s: number[] = [];
      for (let n = 0; n < N; n++) {
        let score = bP[0]!;
        for (let a = 0; a < A; a++) {
          let hv = 0;
          let hq = bA[a]!;
          for (let e = 0; e < D; e++) {
            hv += WI[a * D + e]! * V[(b * N + n) * D + e]!;
            hq += WQ[a * D + e]! * u[b * D + e]!;
          }
          score += WP[a]! * Math.tanh(hv + hq);
        }
        s.push(score);
      }
      const live = s.map((_, n) => !keep || keep[b * N + n] !== 0);
      const m = Math.max(...s.filter((_, n) => live[n]));
      const z = s.reduce((acc, v, n) => acc + (live[n] ? Math.exp(v - m) : 0), 0);
      for (let n = 0; n < N; n++) p[b * N + n] = live[n] ? Math.exp(s[n]! - m) / z : 0;
      for (let e = 0; e < D; e++) {
        let acc = u[b * D + e]!;
        for (let n = 0; n < N; n++) acc += p[b * N + n]! * V[(b * N + n) * D + e]!;
        next[b * D + e] = acc;
      }
    }
    u = next;
  }
  return { u, p };
}

describe('reasoning.san', () => {
  it('matches two stacked attention hops in float64', async () => {
    const params = { hops: 2, attention: 5 };
    const question = randomTensor([2, 4], 1);
    const regions = randomTensor([2, 3, 4], 2);
    const inputs = { question, regions };
    const weights = randomWeights(san, { params, inputs }, 3, 0.8);
    const { outputs } = await runNode(san, { params, inputs, weights });
    const ref = sanRef(f64(question), f64(regions), 2, 3, 4, 5, 2, (n) => f64(weights[n]!));
    expect(outputs['u']!.dims).toEqual([2, 4]);
    expect(outputs['attention']!.dims).toEqual([2, 3]);
    expect(relError(f64(outputs['u']!), ref.u)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attention']!), ref.p)).toBeLessThanOrEqual(1e-5);
  });

  it('gives padded regions no attention', async () => {
    const params = { hops: 3, attention: 6 };
    const question = randomTensor([2, 5], 4);
    const regions = randomTensor([2, 4, 5], 5);
    const keep = [1, 1, 0, 1, 1, 0, 0, 0];
    const inputs = { question, regions, mask: int64([2, 4], keep) };
    const weights = randomWeights(san, { params, inputs }, 6, 0.8);
    const { outputs } = await runNode(san, { params, inputs, weights });
    const ref = sanRef(f64(question), f64(regions), 2, 4, 5, 6, 3, (n) => f64(weights[n]!), keep);
    expect(relError(f64(outputs['u']!), ref.u)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attention']!), ref.p)).toBeLessThanOrEqual(1e-5);
    expect(f64(outputs['attention']!)[2]).toBe(0);
  });

  it('counts one attention layer per hop', () => {
    const { info } = analyzeNode(san, { question: shapeOnly([1, 1024]), regions: shapeOnly([1, 196, 1024]) }, { hops: 2, attention: 512 });
    expect(info.paramCount).toBe(2 * (512 * 1024 + 512 * 1024 + 512 + 512 + 1));
  });

  it('rejects regions of another width than the question, naming the port', () => {
    const { problems } = analyzeNode(san, { question: shapeOnly([2, 8]), regions: shapeOnly([2, 5, 6]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(problems[0]?.message).toMatch(/"regions"/);
  });
});
