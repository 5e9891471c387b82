/**
 * examples/uniter/tiny.json against the authors' UNITER (ChenRocks/UNITER model/pretrain.py and
 * model/vqa.py) at the same tiny configuration with random weights, placed by
 * examples/uniter/weights-maps/uniter.json; every output within 1e-4 relative.
 * examples/uniter/parity/make_fixtures.py makes the fixture.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { compareOutputs, expectComplete, referenceFixture, runMapped } from './reference-parity.ts';

describe('UNITER parity with ChenRocks/UNITER', () => {
  it('gives the reference VQA logits, matching and the six losses from its state_dict', async () => {
    const fx = referenceFixture('uniter');
    const questions = JSON.parse(fx.meta['questions']!) as string[];
    // The soft labels are stored for the masked positions only; the rest are not read (masked out).
    const masked = fx.tensor('input.masked_positions');
    const rows = fx.tensor('input.mrc_soft_rows');
    const classes = rows.dims[1]!;
    const soft = new Float32Array(masked.dims[0]! * masked.dims[1]! * classes);
    let r = 0;
    (masked.data as BigInt64Array).forEach((m, pos) => {
      if (m) soft.set((rows.data as Float32Array).subarray(r * classes, ++r * classes), pos * classes);
    });
    const inputs: Record<string, Tensor> = {
      question: { dtype: 'string', dims: [questions.length], data: questions },
      'regions.features': fx.tensor('input.regions.features'),
      'regions.boxes': fx.tensor('input.regions.boxes'),
      mrc_soft_targets: { dtype: 'float32', dims: [...masked.dims, classes], data: soft },
    };
    for (const name of ['region_mask', 'vqa_targets', 'match_mask', 'mlm_targets', 'mrc_targets', 'mrfr_targets', 'masked_positions']) {
      inputs[name] = fx.tensor(`input.${name}`);
    }
    const { outputs, taps, report } = await runMapped('uniter', 'uniter', fx.state, inputs, ['tokenize.ids']);
    expectComplete(report);
    expect(Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number)).toEqual(Array.from(fx.tensor('input.ids').data as BigInt64Array, Number));
    compareOutputs(outputs, fx, ['vqa_logits', 'attention', 'itm_match', 'vqa_loss', 'itm_loss', 'mlm_loss', 'mrc_loss', 'mrc_kl_loss', 'mrfr_loss']);
  });
});
