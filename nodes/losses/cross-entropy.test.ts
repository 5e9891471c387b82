import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, int64, logSoftmaxRef, shapeOnly } from '../testing/heads-reference.ts';
import crossEntropy from './cross-entropy.ts';

/** PyTorch's cross_entropy(reduction='mean', label_smoothing=eps, ignore_index). */
function ceRef(logits: ArrayLike<number>, c: number, targets: number[], eps: number, ignore = -100) {
  const lp = logSoftmaxRef(logits, c);
  const per: number[] = [];
  let sum = 0;
  let count = 0;
  targets.forEach((y, n) => {
    if (y === ignore) {
      per.push(0);
      return;
    }
    let smooth = 0;
    for (let k = 0; k < c; k++) smooth -= lp[n * c + k]! / c;
    const l = (1 - eps) * -lp[n * c + y]! + eps * smooth;
    per.push(l);
    sum += l;
    count++;
  });
  return { loss: count ? sum / count : 0, per };
}

describe('loss.cross_entropy', () => {
  it('matches cross-entropy over [B, C]', async () => {
    const logits = randomTensor([4, 6], 2, 3);
    const y = [0, 5, 2, 3];
    const { outputs } = await runNode(crossEntropy, { inputs: { logits, targets: int64([4], y) } });
    const ref = ceRef(f64(logits), 6, y, 0);
    expect(outputs['loss']!.dims).toEqual([]);
    expect(relError(f64(outputs['loss']!), [ref.loss])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['losses']!), ref.per)).toBeLessThanOrEqual(1e-5);
  });

  it('handles [B, T, V] logits with ignored targets and label smoothing', async () => {
    const logits = randomTensor([2, 3, 5], 7, 2);
    const y = [1, -100, 4, 0, 2, -100];
    const params = { label_smoothing: 0.1 };
    const { outputs } = await runNode(crossEntropy, { params, inputs: { logits, targets: int64([2, 3], y) } });
    const ref = ceRef(f64(logits), 5, y, 0.1);
    expect(outputs['losses']!.dims).toEqual([2, 3]);
    expect(relError(f64(outputs['loss']!), [ref.loss])).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['losses']!), ref.per)).toBeLessThanOrEqual(1e-5);
  });

  it('is ln C for uniform logits, and 0 when every target is ignored', async () => {
    const uniform = await runNode(crossEntropy, { inputs: { logits: float32([3, 7], new Array(21).fill(1.5)), targets: int64([3], [0, 3, 6]) } });
    expect(relError(f64(uniform.outputs['loss']!), [Math.log(7)])).toBeLessThanOrEqual(1e-6);
    const none = await runNode(crossEntropy, { inputs: { logits: randomTensor([2, 3], 1), targets: int64([2], [-100, -100]) } });
    expect(f64(none.outputs['loss']!)[0]).toBe(0);
  });

  it('rejects targets that do not fit the logits, naming the port', () => {
    const rank = analyzeNode(crossEntropy, { logits: shapeOnly([4, 6]), targets: shapeOnly([4, 6], 'int64') });
    expect(rank.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(rank.problems[0]?.at.port).toBe('targets');
    expect(rank.problems[0]?.message).toMatch(/"targets"/);
    const batch = analyzeNode(crossEntropy, { logits: shapeOnly([4, 6]), targets: shapeOnly([3], 'int64') });
    expect(batch.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(batch.problems[0]?.at.port).toBe('targets');
    const dtype = analyzeNode(crossEntropy, { logits: shapeOnly([4, 6]), targets: shapeOnly([4]) });
    expect(dtype.problems[0]?.code).toBe('MF_DTYPE_MISMATCH');
  });
});
