import { describe, expect, it } from 'vitest';
import { f64, linearRef, randomTensor, relError, runNode, softmaxRef } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import itm from './itm.ts';

describe('head.itm', () => {
  it('gives two-way logits, their softmax and the match probability', async () => {
    const x = randomTensor([3, 6], 4);
    const weights = randomWeights(itm, { inputs: { x } }, 5);
    const { outputs } = await runNode(itm, { inputs: { x }, weights });
    const logits = linearRef(f64(x), 6, f64(weights['weight']!), 2, f64(weights['bias']!));
    const probs = softmaxRef(logits, 2);
    expect(relError(f64(outputs['logits']!), logits)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['probs']!), probs)).toBeLessThanOrEqual(1e-5);
    expect(outputs['match']!.dims).toEqual([3]);
    expect(relError(f64(outputs['match']!), [probs[1]!, probs[3]!, probs[5]!])).toBeLessThanOrEqual(1e-5);
  });

  it('has the parameters of Linear(768, 2)', () => {
    expect(analyzeNode(itm, { x: shapeOnly([1, 768]) }).info.paramCount).toBe(768 * 2 + 2);
  });

  it('rejects a sequence input, naming the port', () => {
    const { problems } = analyzeNode(itm, { x: shapeOnly([2, 3, 8]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(problems[0]?.message).toMatch(/"x"/);
  });
});
