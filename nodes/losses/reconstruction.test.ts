import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, int64, shapeOnly } from '../testing/heads-reference.ts';
import reconstruction from './reconstruction.ts';

const errorOf: Record<string, (d: number) => number> = {
  mse: (d) => d * d,
  l1: Math.abs,
  smooth_l1: (d) => (Math.abs(d) < 0.5 ? (0.5 * d * d) / 0.5 : Math.abs(d) - 0.25),
};

describe('loss.reconstruction', () => {
  const prediction = randomTensor([2, 3, 4], 1);
  const target = randomTensor([2, 3, 4], 2);
  const p = f64(prediction);
  const t = f64(target);

  for (const kind of ['mse', 'l1', 'smooth_l1'] as const) {
    it(`is the mean ${kind} error`, async () => {
      const { outputs } = await runNode(reconstruction, { params: { kind, beta: 0.5 }, inputs: { prediction, target } });
      const e = p.map((v, k) => errorOf[kind]!(v - t[k]!));
      expect(relError(f64(outputs['errors']!), e)).toBeLessThanOrEqual(1e-5);
      expect(relError(f64(outputs['loss']!), [e.reduce((a, v) => a + v, 0) / 24])).toBeLessThanOrEqual(1e-5);
    });
  }

  it('averages over the masked rows only', async () => {
    const m = [1, 0, 1, 0, 0, 1];
    const { outputs } = await runNode(reconstruction, { inputs: { prediction, target, mask: int64([2, 3], m) } });
    let acc = 0;
    for (let r = 0; r < 6; r++) for (let k = 0; k < 4; k++) acc += m[r]! * (p[r * 4 + k]! - t[r * 4 + k]!) ** 2;
    expect(relError(f64(outputs['loss']!), [acc / (3 * 4)])).toBeLessThanOrEqual(1e-5);
    const none = await runNode(reconstruction, { inputs: { prediction, target, mask: float32([2, 3], [0, 0, 0, 0, 0, 0]) } });
    expect(f64(none.outputs['loss']!)[0]).toBe(0);
  });

  it('is 0 for a perfect reconstruction', async () => {
    const { outputs } = await runNode(reconstruction, { inputs: { prediction, target: prediction } });
    expect(f64(outputs['loss']!)[0]).toBe(0);
  });

  it('rejects a target or mask of another shape, naming the port', () => {
    const tgt = analyzeNode(reconstruction, { prediction: shapeOnly([2, 3, 4]), target: shapeOnly([2, 3]) });
    expect(tgt.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(tgt.problems[0]?.at.port).toBe('target');
    const mask = analyzeNode(reconstruction, { prediction: shapeOnly([2, 3, 4]), target: shapeOnly([2, 3, 4]), mask: shapeOnly([2, 4]) });
    expect(mask.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(mask.problems[0]?.at.port).toBe('mask');
    expect(mask.problems[0]?.message).toMatch(/"mask" axis 1 is 4/);
  });
});
