/**
 * examples/albef/tiny.json against the authors' ALBEF (salesforce/ALBEF models/model_pretrain.py,
 * models/xbert.py, models/vit.py) at the same tiny configuration with random weights, placed by
 * examples/albef/weights-maps/albef.json; every output within 1e-4 relative.
 * examples/albef/parity/make_fixtures.py makes the fixture.
 */
import { describe, expect, it } from 'vitest';
import { compareOutputs, expectComplete, referenceFixture, runMapped } from './reference-parity.ts';

describe('ALBEF parity with salesforce/ALBEF', () => {
  it('gives the reference contrastive logits, matching, MLM logits and losses from its state_dict', async () => {
    const fx = referenceFixture('albef');
    const captions = JSON.parse(fx.meta['captions']!) as string[];
    const { outputs, taps, report } = await runMapped(
      'albef',
      'albef',
      fx.state,
      {
        image: fx.tensor('input.image'),
        text: { dtype: 'string', dims: [captions.length], data: captions },
        mlm_labels: fx.tensor('input.mlm_labels'),
      },
      ['tokenize.ids'],
    );
    expectComplete(report);
    expect(Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number)).toEqual(Array.from(fx.tensor('input.ids').data as BigInt64Array, Number));
    compareOutputs(outputs, fx, ['logits_per_image', 'logits_per_text', 'loss_itc', 'itm_logits', 'itm_match', 'mlm_logits', 'loss_mlm']);
  });
});
