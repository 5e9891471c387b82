import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, int64, logSoftmaxRef, shapeOnly } from '../testing/heads-reference.ts';
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

  it('averages over the kept rows of [B, N, C] scores (mask), hard and soft terms alike', async () => {
    const s3 = randomTensor([2, 3, 4], 5, 3);
    const t3 = randomTensor([2, 3, 4], 6, 3);
    const y = [3, 0, 1, 2, 2, 0];
    const keep = [1, 0, 1, 0, 0, 1];
    const params = { temperature: 2, alpha: 0.3 };
    const { outputs } = await runNode(distillation, { params, inputs: { student: s3, teacher: t3, targets: int64([2, 3], y), mask: int64([2, 3], keep) } });
    // Only the kept rows, as [rows, C], through the [B, C] reference.
    const rows = keep.flatMap((m, r) => (m ? [r] : []));
    const pick = (v: Float64Array) => Float64Array.from(rows.flatMap((r) => Array.from(v.slice(r * 4, r * 4 + 4))));
    const ref = kdRef(pick(f64(s3)), pick(f64(t3)), rows.length, 4, 2, 0.3, rows.map((r) => y[r]!));
    expect(relError(f64(outputs['loss']!), [ref.loss])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['ce']!), [ref.ce])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['kl']!), [ref.kl])).toBeLessThanOrEqual(1e-5);
  });

  it('with teacher_input = probs is ViLBERT\'s masked-region KL: sum_masked sum_c p (log p - log_softmax(z)) / #masked', async () => {
    const scores = randomTensor([2, 3, 4], 7, 2);
    // Detector distributions, one with zero entries (they add nothing).
    const probs = [0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0, 0.25, 0.25, 0.25, 0.25, 0.7, 0, 0.3, 0, 0.5, 0.5, 0, 0, 0.4, 0.3, 0.2, 0.1];
    const keep = [1, 1, 0, 0, 1, 1];
    const { outputs } = await runNode(distillation, {
      params: { temperature: 1, teacher_input: 'probs' },
      inputs: { student: scores, teacher: float32([2, 3, 4], probs), mask: int64([2, 3], keep) },
    });
    const ls = logSoftmaxRef(f64(scores), 4);
    let sum = 0;
    keep.forEach((m, r) => {
      if (!m) return;
      for (let c = 0; c < 4; c++) {
        const p = probs[r * 4 + c]!;
        if (p > 0) sum += p * (Math.log(p) - ls[r * 4 + c]!);
      }
    });
    const ref = sum / 4;
    expect(Number.isFinite(f64(outputs['loss']!)[0]!)).toBe(true);
    expect(relError(f64(outputs['loss']!), [ref])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['kl']!), [ref])).toBeLessThanOrEqual(1e-5);
  });

  it('rejects a teacher with other classes, targets of another batch and a mask of another rank, naming the port', () => {
    const classes = analyzeNode(distillation, { student: shapeOnly([3, 5]), teacher: shapeOnly([3, 6]) });
    expect(classes.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(classes.problems[0]?.message).toMatch(/"teacher"/);
    const batch = analyzeNode(distillation, { student: shapeOnly([3, 5]), teacher: shapeOnly([3, 5]), targets: shapeOnly([4], 'int64') });
    expect(batch.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(batch.problems[0]?.message).toMatch(/"targets"/);
    const mask = analyzeNode(distillation, { student: shapeOnly([2, 3, 5]), teacher: shapeOnly([2, 3, 5]), mask: shapeOnly([2], 'int64') });
    expect(mask.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(mask.problems[0]?.at.port).toBe('mask');
  });
});
