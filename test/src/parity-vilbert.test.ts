/**
 * examples/vilbert/tiny.json against the authors' ViLBERT (facebookresearch/vilbert-multi-task
 * vilbert/vilbert.py, VILBertForVLTasks) at the same tiny configuration with random weights,
 * placed by examples/vilbert/weights-maps/vilbert.json; every output within 1e-4 relative.
 * examples/vilbert/parity/make_fixtures.py makes the fixture.
 */
import { describe, expect, it } from 'vitest';
import { compareOutputs, expectComplete, referenceFixture, runMapped } from './reference-parity.ts';

describe('ViLBERT parity with facebookresearch/vilbert-multi-task', () => {
  it('gives the reference word and region logits, alignment, answers and MLM loss from its state_dict', async () => {
    const fx = referenceFixture('vilbert');
    const questions = JSON.parse(fx.meta['questions']!) as string[];
    const { outputs, taps, report } = await runMapped(
      'vilbert',
      'vilbert',
      fx.state,
      {
        question: { dtype: 'string', dims: [questions.length], data: questions },
        'regions.features': fx.tensor('input.regions.features'),
        'regions.boxes': fx.tensor('input.regions.boxes'),
        mlm_labels: fx.tensor('input.mlm_labels'),
      },
      ['tokenize.ids'],
    );
    expectComplete(report);
    expect(Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number)).toEqual(Array.from(fx.tensor('input.ids').data as BigInt64Array, Number));
    compareOutputs(outputs, fx, ['mlm_logits', 'region_logits', 'alignment', 'answers', 'loss_mlm']);
  });
});
