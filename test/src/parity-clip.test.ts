/**
 * examples/clip/tiny.json against OpenAI's CLIP (openai/CLIP clip/model.py) at the same tiny
 * configuration with random weights: the reference state_dict is placed by
 * examples/clip/weights-maps/openai.json and every output must agree within 1e-4 relative.
 * examples/clip/parity/make_fixtures.py makes the fixture.
 */
import { describe, expect, it } from 'vitest';
import { compareOutputs, expectComplete, referenceFixture, runMapped } from './reference-parity.ts';

describe('CLIP parity with openai/CLIP', () => {
  it('gives the reference logits, embeddings and loss from its state_dict', async () => {
    const fx = referenceFixture('clip');
    const captions = JSON.parse(fx.meta['captions']!) as string[];
    const { outputs, taps, report } = await runMapped(
      'clip',
      'openai',
      fx.state,
      { image: fx.tensor('input.image'), text: { dtype: 'string', dims: [captions.length], data: captions } },
      ['tokenize.ids'],
    );
    expectComplete(report);
    expect(Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number)).toEqual(Array.from(fx.tensor('input.ids').data as BigInt64Array, Number));
    compareOutputs(outputs, fx, ['logits_per_image', 'logits_per_text', 'image_embeds', 'text_embeds', 'loss']);
  });
});
