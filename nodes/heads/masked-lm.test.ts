import { describe, expect, it } from 'vitest';
import { act, f64, layerNormRef, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import maskedLm from './masked-lm.ts';

function headRef(x: Float64Array, d: number, v: number, get: (n: string) => Float64Array, decoder: Float64Array): Float64Array {
  const h = linearRef(x, d, get('transform.dense.weight'), d, get('transform.dense.bias')).map(act['gelu']!);
  const n = layerNormRef(h, d, get('transform.LayerNorm.weight'), get('transform.LayerNorm.bias'), 1e-12);
  return linearRef(n, d, decoder, v, get('bias'));
}

describe('head.masked_lm', () => {
  it('matches BERT\'s prediction head with its own decoder', async () => {
    const params = { vocab: 11 };
    const hidden = randomTensor([2, 3, 6], 1);
    const weights = randomWeights(maskedLm, { params, inputs: { hidden } }, 2);
    const { outputs } = await runNode(maskedLm, { params, inputs: { hidden }, weights });
    const get = (n: string) => f64(weights[n]!);
    expect(outputs['logits']!.dims).toEqual([2, 3, 11]);
    expect(relError(f64(outputs['logits']!), headRef(f64(hidden), 6, 11, get, get('decoder.weight')))).toBeLessThanOrEqual(1e-5);
  });

  it('ties the decoder to a connected embedding table', async () => {
    const params = { vocab: 9 };
    const hidden = randomTensor([1, 4, 5], 3);
    const table = randomTensor([9, 5], 4);
    const inputs = { hidden, table };
    const weights = randomWeights(maskedLm, { params, inputs }, 5);
    expect(weights['decoder.weight']).toBeUndefined();
    const { outputs } = await runNode(maskedLm, { params, inputs, weights });
    const get = (n: string) => f64(weights[n]!);
    expect(relError(f64(outputs['logits']!), headRef(f64(hidden), 5, 9, get, f64(table)))).toBeLessThanOrEqual(1e-5);
  });

  it('has the parameters of BERT-base\'s MLM head, untied and tied', () => {
    const transform = 768 * 768 + 768 + 2 * 768;
    const own = analyzeNode(maskedLm, { hidden: shapeOnly([1, 8, 768]) });
    expect(own.info.paramCount).toBe(transform + 30522 * 768 + 30522);
    const tied = analyzeNode(maskedLm, { hidden: shapeOnly([1, 8, 768]), table: shapeOnly([30522, 768]) });
    expect(tied.info.paramCount).toBe(transform + 30522);
  });

  it('rejects a table whose size or width does not fit, naming the port', () => {
    const size = analyzeNode(maskedLm, { hidden: shapeOnly([1, 2, 4]), table: shapeOnly([7, 4]) }, { vocab: 9 });
    expect(size.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(size.problems[0]?.message).toMatch(/"table".*vocab/);
    const width = analyzeNode(maskedLm, { hidden: shapeOnly([1, 2, 4]), table: shapeOnly([9, 5]) }, { vocab: 9 });
    expect(width.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(width.problems[0]?.message).toMatch(/"table"/);
  });
});
