import { describe, expect, it } from 'vitest';
import { act, f64, layerNormRef, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../lib/heads-reference.ts';
import regionRegression from './region-regression.ts';

describe('head.region_regression', () => {
  it('is LN(gelu(dense)) then a linear map to the feature width', async () => {
    const params = { features: 7, eps: 1e-12 };
    const hidden = randomTensor([2, 3, 5], 8);
    const weights = randomWeights(regionRegression, { params, inputs: { hidden } }, 9);
    const { outputs } = await runNode(regionRegression, { params, inputs: { hidden }, weights });
    const get = (n: string) => f64(weights[n]!);
    const h = linearRef(f64(hidden), 5, get('transform.dense.weight'), 5, get('transform.dense.bias')).map(act['gelu']!);
    const n = layerNormRef(h, 5, get('transform.LayerNorm.weight'), get('transform.LayerNorm.bias'), 1e-12);
    const ref = linearRef(n, 5, get('decoder_dict.feat.weight'), 7, get('decoder_dict.feat.bias'));
    expect(outputs['features']!.dims).toEqual([2, 3, 7]);
    expect(relError(f64(outputs['features']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('has the parameters of LXMERT\'s feature regression head (768 -> 2048)', () => {
    const { info } = analyzeNode(regionRegression, { hidden: shapeOnly([1, 36, 768]) });
    expect(info.paramCount).toBe(768 * 768 + 768 + 2 * 768 + 2048 * 768 + 2048);
  });

  it('rejects pooled input, naming the port', () => {
    const { problems } = analyzeNode(regionRegression, { hidden: shapeOnly([2, 768]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(problems[0]?.message).toMatch(/"hidden"/);
  });
});
