import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, shapeOnly } from '../testing/heads-reference.ts';
import alignment from './alignment.ts';

/** D_bij = Σ_k (f_bik - g_bjk)² directly, no expansion. */
function distRef(f: Float64Array, g: Float64Array, b: number, n: number, m: number, d: number): Float64Array {
  const out = new Float64Array(b * n * m);
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let acc = 0;
        for (let k = 0; k < d; k++) acc += (f[(s * n + i) * d + k]! - g[(s * m + j) * d + k]!) ** 2;
        out[(s * n + i) * m + j] = acc;
      }
    }
  }
  return out;
}

describe('loss.alignment', () => {
  const f = randomTensor([2, 3, 4], 1);
  const g = randomTensor([2, 5, 4], 2);

  it('sums squared distances over all pairs', async () => {
    const { outputs } = await runNode(alignment, { inputs: { f, g } });
    const d = distRef(f64(f), f64(g), 2, 3, 5, 4);
    expect(outputs['distances']!.dims).toEqual([2, 3, 5]);
    expect(relError(f64(outputs['distances']!), d)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['loss']!), [d.reduce((a, v) => a + v, 0)])).toBeLessThanOrEqual(1e-5);
  });

  it('weights pairs by a soft alignment and averages on request', async () => {
    const weights = randomTensor([2, 3, 5], 3);
    const { outputs } = await runNode(alignment, { params: { reduction: 'mean' }, inputs: { f, g, weights } });
    const d = distRef(f64(f), f64(g), 2, 3, 5, 4);
    const w = f64(weights);
    const expected = d.reduce((a, v, k) => a + v * w[k]!, 0) / 30;
    expect(relError(f64(outputs['loss']!), [expected])).toBeLessThanOrEqual(1e-5);
  });

  it('is 0 for identical single features', async () => {
    const one = randomTensor([1, 1, 6], 4);
    const { outputs } = await runNode(alignment, { inputs: { f: one, g: one } });
    expect(f64(outputs['loss']!)[0]).toBeLessThan(1e-6);
  });

  it('rejects features of another width or alignment weights of another shape, naming the port', () => {
    const width = analyzeNode(alignment, { f: shapeOnly([2, 3, 4]), g: shapeOnly([2, 5, 6]) });
    expect(width.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(width.problems[0]?.message).toMatch(/"g"/);
    const w = analyzeNode(alignment, { f: shapeOnly([2, 3, 4]), g: shapeOnly([2, 5, 4]), weights: shapeOnly([2, 5, 3]) });
    expect(w.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(w.problems[0]?.message).toMatch(/"weights"/);
  });
});
