import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, shapeOnly } from '../testing/heads-reference.ts';
import bce from './bce.ts';

/** -[y log σ(x) + (1 - y) log(1 - σ(x))], the textbook form (fine in float64 for moderate x). */
function bceRef(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const p = 1 / (1 + Math.exp(-x[k]!));
    out[k] = -(y[k]! * Math.log(p) + (1 - y[k]!) * Math.log(1 - p));
  }
  return out;
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('loss.bce', () => {
  const logits = randomTensor([3, 4], 11, 5);
  const soft = randomTensor([3, 4], 12, 0.5);
  const targets = { ...soft, data: Float32Array.from(soft.data as Float32Array, (v) => v + 0.5) };

  for (const reduction of ['mean', 'sum', 'batch_mean'] as const) {
    it(`matches binary cross-entropy (${reduction})`, async () => {
      const { outputs } = await runNode(bce, { params: { reduction }, inputs: { logits, targets } });
      const per = bceRef(f64(logits), f64(targets));
      const total = sum(per);
      const expected = reduction === 'mean' ? total / 12 : reduction === 'sum' ? total : total / 3;
      expect(relError(f64(outputs['losses']!), per)).toBeLessThanOrEqual(1e-5);
      expect(relError(f64(outputs['loss']!), [expected])).toBeLessThanOrEqual(1e-5);
    });
  }

  it('is ln 2 at zero logits and stays finite for huge ones', async () => {
    const zero = await runNode(bce, { inputs: { logits: float32([2], [0, 0]), targets: float32([2], [1, 0]) } });
    expect(relError(f64(zero.outputs['loss']!), [Math.LN2])).toBeLessThanOrEqual(1e-6);
    const huge = await runNode(bce, { inputs: { logits: float32([2], [200, -200]), targets: float32([2], [0, 0]) } });
    expect(relError(f64(huge.outputs['losses']!), [200, 0])).toBeLessThanOrEqual(1e-6);
  });

  it('rejects targets of another shape, naming the port', () => {
    const { problems } = analyzeNode(bce, { logits: shapeOnly([3, 4]), targets: shapeOnly([3, 5]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(problems[0]?.at.port).toBe('targets');
    expect(problems[0]?.message).toMatch(/"targets" axis 1 is 5/);
  });
});
