import { describe, expect, it } from 'vitest';
import { bundledWeightsMaps } from './weights-maps.ts';

describe('bundled checkpoint maps', () => {
  it("offers every example's maps by example and name, and not the key lists", () => {
    expect(bundledWeightsMaps().map((m) => m.id)).toEqual([
      'albef/albef', 'clip/hf', 'clip/openai', 'image-captioning/gpt2', 'lxmert/airsplay', 'lxmert/hf', 'uniter/uniter', 'vilbert/vilbert', 'vilt/hf', 'vilt/vilt',
    ]);
  });

  it('leaves out a map that does not parse', () => {
    const good = JSON.stringify({ format: 'modalflow.weights-map', version: 1, title: 't', rules: [{ from: 'a', to: 'b.w' }] });
    const maps = bundledWeightsMaps({ 'x/examples/m/weights-maps/good.json': good, 'x/examples/m/weights-maps/bad.json': '{"format": 1}' });
    expect(maps.map((m) => m.id)).toEqual(['m/good']);
  });
});
