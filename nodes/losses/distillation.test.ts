import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, int64, logSoftmaxRef, shapeOnly } from '../lib/heads-reference.ts';
import distillation from './distillation.ts';

function kdRef(zs: Float64Array, zt: Float64Array, b: number, c: number, T: number, lambda: number, y?: number[]) {
  const scale = (z: Float64Array) => z.map((v) => v / T);
  const ls = logSoftmaxRef(scale(zs), c);
  const lt = logSoftmaxRef(scale(zt), c);
  let kl = 0;
  for (let k = 0; k < b * c; k++) kl += Math.exp(lt[k]!) * (lt[k]! - ls[k]!);
  kl /= b;
  if (!y) return { loss: T * T * kl, ce: 0, kl };
  const lp = logSoftmaxRef(zs, c);
  let ce = 0;
  y.forEach((t, n) => (ce -= lp[n * c + t]! / b));
  return { loss: (1 - lambda) * ce + lambda * T * T * kl, ce, kl };
}

describe('loss.distillation', () => {
  const student = randomTensor([3, 5], 1, 3);
  const teacher = randomTensor([3, 5], 2, 3);

  it('mixes hard cross-entropy and T²-scaled KL', async () => {
    const y = [4, 0, 2];
    const params = { temperature: 2.5, alpha: 0.7 };
    const { outputs } = await runNode(distillation, { params, inputs: { student, teacher, targets: int64([3], y) } });
    const ref = kdRef(f64(student), f64(teacher), 3, 5, 2.5, 0.7, y);
    expect(relError(f64(outputs['loss']!), [ref.loss])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['ce']!), [ref.ce])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['kl']!), [ref.kl])).toBeLessThanOrEqual(1e-5);
  });

  it('is T² KL alone without targets, and KL is 0 when student equals teacher', async () => {
    const { outputs } = await runNode(distillation, { params: { temperature: 3 }, inputs: { student, teacher } });
    const ref = kdRef(f64(student), f64(teacher), 3, 5, 3, 0.5);
    expect(relError(f64(outputs['loss']!), [ref.loss])).toBeLessThanOrEqual(1e-5);
    expect(f64(outputs['ce']!)[0]).toBe(0);
    const same = await runNode(distillation, { inputs: { student, teacher: student } });
    expect(Math.abs(f64(same.outputs['kl']!)[0]!)).toBeLessThan(1e-6);
  });

  it('rejects a teacher with other classes or targets of another batch, naming the port', () => {
    const classes = analyzeNode(distillation, { student: shapeOnly([3, 5]), teacher: shapeOnly([3, 6]) });
    expect(classes.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(classes.problems[0]?.message).toMatch(/"teacher"/);
    const batch = analyzeNode(distillation, { student: shapeOnly([3, 5]), teacher: shapeOnly([3, 5]), targets: shapeOnly([4], 'int64') });
    expect(batch.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(batch.problems[0]?.message).toMatch(/"targets"/);
  });
});
