/**
 * examples/vilt/tiny.json against the authors' ViLT (dandelin/ViLT vilt/modules/vilt_module.py,
 * ViLTransformerSS.infer with its ITM and VQA heads) at the same tiny configuration with random
 * weights, placed by examples/vilt/weights-maps/vilt.json; every output within 1e-4 relative.
 * examples/vilt/parity/make_fixtures.py makes the fixture.
 */
import { describe, expect, it } from 'vitest';
import { compareOutputs, expectComplete, referenceFixture, runMapped } from './reference-parity.ts';

describe('ViLT parity with dandelin/ViLT', () => {
  it('gives the reference VQA logits, matching and losses from its state_dict', async () => {
    const fx = referenceFixture('vilt');
    const questions = JSON.parse(fx.meta['questions']!) as string[];
    const { outputs, taps, report } = await runMapped(
      'vilt',
      'vilt',
      fx.state,
      {
        question: { dtype: 'string', dims: [questions.length], data: questions },
        image: fx.tensor('input.image'),
        vqa_targets: fx.tensor('input.vqa_targets'),
        match_mask: fx.tensor('input.match_mask'),
      },
      ['tokenize.ids'],
    );
    expectComplete(report);
    expect(Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number)).toEqual(Array.from(fx.tensor('input.ids').data as BigInt64Array, Number));
    compareOutputs(outputs, fx, ['vqa_logits', 'itm_match', 'vqa_loss', 'itm_loss', 'attention']);
  });
});
