/**
 * examples/lxmert/tiny.json against the authors' LXMERT (airsplay/lxmert src/lxrt/modeling.py,
 * LXRTPretraining) at the same tiny configuration with random weights, placed by
 * examples/lxmert/weights-maps/airsplay.json; every output within 1e-4 relative.
 * examples/lxmert/parity/make_fixtures.py makes the fixture.
 */
import { describe, expect, it } from 'vitest';
import { compareOutputs, expectComplete, referenceFixture, runMapped } from './reference-parity.ts';

describe('LXMERT parity with airsplay/lxmert', () => {
  it('gives the reference logits, answers, region features and losses from its state_dict', async () => {
    const fx = referenceFixture('lxmert');
    const questions = JSON.parse(fx.meta['questions']!) as string[];
    const zeros = (dtype: 'int64', n: number) => ({ dtype, dims: [questions.length, n], data: new BigInt64Array(questions.length * n) });
    const { outputs, taps, report } = await runMapped(
      'lxmert',
      'airsplay',
      fx.state,
      {
        question: { dtype: 'string', dims: [questions.length], data: questions },
        'regions.features': fx.tensor('input.regions.features'),
        'regions.boxes': fx.tensor('input.regions.boxes'),
        mlm_labels: fx.tensor('input.mlm_labels'),
        answer_labels: fx.tensor('input.answer_labels'),
        masked_regions: zeros('int64', 4),
        obj_labels: { ...zeros('int64', 4), data: new BigInt64Array(8).fill(-100n) },
        attr_labels: { ...zeros('int64', 4), data: new BigInt64Array(8).fill(-100n) },
      },
      ['tokenize.ids'],
    );
    expectComplete(report);
    expect(Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number)).toEqual(Array.from(fx.tensor('input.ids').data as BigInt64Array, Number));
    compareOutputs(outputs, fx, ['mlm_logits', 'matching', 'answers', 'region_features', 'loss_mlm', 'loss_qa']);
  });
});
