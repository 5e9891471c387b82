import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, logSoftmaxRef, shapeOnly } from '../testing/heads-reference.ts';
import contrastive from './contrastive.ts';

/** (CE(L, arange N) + CE(L^T, arange N)) / 2 with naive loops. */
function infoNceRef(l: ArrayLike<number>, n: number): [number, number, number] {
  const t = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) t[c * n + r] = l[r * n + c]!;
  const rows = logSoftmaxRef(l, n);
  const cols = logSoftmaxRef(t, n);
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    a -= rows[k * n + k]! / n;
    b -= cols[k * n + k]! / n;
  }
  return [(a + b) / 2, a, b];
}

describe('loss.contrastive', () => {
  it('matches symmetric InfoNCE on random logits', async () => {
    const logits = randomTensor([5, 5], 3, 4);
    const { outputs } = await runNode(contrastive, { inputs: { logits } });
    const [loss, li, lt] = infoNceRef(f64(logits), 5);
    expect(outputs['loss']!.dims).toEqual([]);
    expect(relError(f64(outputs['loss']!), [loss])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['loss_image']!), [li])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['loss_text']!), [lt])).toBeLessThanOrEqual(1e-5);
  });

  it('applies the scale param before the softmax', async () => {
    const logits = randomTensor([3, 3], 5);
    const { outputs } = await runNode(contrastive, { params: { scale: 20 }, inputs: { logits } });
    const [loss] = infoNceRef(Array.from(f64(logits), (v) => 20 * v), 3);
    expect(relError(f64(outputs['loss']!), [loss])).toBeLessThanOrEqual(1e-5);
  });

  it('is ln N for uniform logits and near 0 for a perfectly aligned scaled identity', async () => {
    const uniform = await runNode(contrastive, { inputs: { logits: float32([4, 4], new Array(16).fill(0.3)) } });
    expect(relError(f64(uniform.outputs['loss']!), [Math.log(4)])).toBeLessThanOrEqual(1e-6);
    const eye = Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 100 : 0));
    const aligned = await runNode(contrastive, { inputs: { logits: float32([4, 4], eye) } });
    expect(f64(aligned.outputs['loss']!)[0]).toBeLessThan(1e-6);
  });

  it('rejects a non-square or batched matrix, naming the port', () => {
    const rect = analyzeNode(contrastive, { logits: shapeOnly([3, 4]) });
    expect(rect.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(rect.problems[0]?.message).toMatch(/"logits"/);
    const rank = analyzeNode(contrastive, { logits: shapeOnly([2, 3, 3]) });
    expect(rank.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(rank.problems[0]?.message).toMatch(/"logits"/);
  });
});
