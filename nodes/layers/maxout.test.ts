import { describe, expect, it } from 'vitest';
import { f64, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, shapeOnly } from '../testing/heads-reference.ts';
import maxout from './maxout.ts';

/** y[r, j] = max_p u[r, j*k + p] with u = x W^T + b. */
function maxoutRef(x: Float64Array, inp: number, w: Float64Array, out: number, k: number, b?: Float64Array): Float64Array {
  const u = linearRef(x, inp, w, out * k, b);
  const rows = x.length / inp;
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < out; j++) {
      let m = -Infinity;
      for (let p = 0; p < k; p++) m = Math.max(m, u[r * out * k + j * k + p]!);
      y[r * out + j] = m;
    }
  }
  return y;
}

describe('layer.maxout', () => {
  it('takes the max over groups of k adjacent linear outputs', async () => {
    const x = randomTensor([2, 3, 5], 4);
    const { outputs, weights } = await runNode(maxout, { params: { out: 4, pieces: 3 }, inputs: { x } });
    expect(outputs['y']!.dims).toEqual([2, 3, 4]);
    expect(weights['linear.weight']!.dims).toEqual([12, 5]);
    const ref = maxoutRef(f64(x), 5, f64(weights['linear.weight']!), 4, 3, f64(weights['linear.bias']!));
    expect(relError(f64(outputs['y']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('works without a bias on [B, D]', async () => {
    const x = randomTensor([4, 6], 8);
    const { outputs, weights } = await runNode(maxout, { params: { out: 2, pieces: 2, bias: false }, inputs: { x } });
    expect(Object.keys(weights)).toEqual(['linear.weight']);
    expect(relError(f64(outputs['y']!), maxoutRef(f64(x), 6, f64(weights['linear.weight']!), 2, 2))).toBeLessThanOrEqual(1e-5);
  });

  it('has the parameters of Blocks LinearMaxout(512, 512, num_pieces=2): 525,312', () => {
    const { info } = analyzeNode(maxout, { x: shapeOnly([1, 512]) }, { out: 512, pieces: 2 });
    expect(info.paramCount).toBe(512 * 1024 + 1024);
  });

  it('rejects a scalar input, naming the port', () => {
    const { problems } = analyzeNode(maxout, { x: shapeOnly([]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(problems[0]?.message).toMatch(/"x"/);
  });
});
