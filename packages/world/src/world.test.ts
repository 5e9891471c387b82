import { sha256Hex } from '@modalflow/core';
import { describe, expect, it } from 'vitest';
import { generateExample, generateWorld } from './world.ts';
import { resolveOptions } from './options.ts';

function imageBytes(world: ReturnType<typeof generateWorld>, n: number): Uint8Array {
  const parts = world.examples.slice(0, n).map((e) => e.image.data as Uint8Array);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('generateWorld', () => {
  it('gives the same bytes, captions and questions for the same seed', () => {
    const a = generateWorld({ seed: 5, count: 40, maxObjects: 2, task: 'regions' });
    const b = generateWorld({ seed: 5, count: 40, maxObjects: 2, task: 'regions' });
    expect(imageBytes(a, 40)).toEqual(imageBytes(b, 40));
    expect(a.examples.map((e) => [e.caption, e.question, e.answer, e.split])).toEqual(
      b.examples.map((e) => [e.caption, e.question, e.answer, e.split]),
    );
    expect(a.examples.map((e) => Array.from(e.regions!.data as Float32Array))).toEqual(
      b.examples.map((e) => Array.from(e.regions!.data as Float32Array)),
    );
  });

  it('gives other pictures for another seed', () => {
    const a = generateWorld({ seed: 1, count: 8 });
    const b = generateWorld({ seed: 2, count: 8 });
    expect(sha256Hex(imageBytes(a, 8))).not.toBe(sha256Hex(imageBytes(b, 8)));
  });

  it('draws example i the same whatever the count', () => {
    const small = generateWorld({ seed: 3, count: 5 });
    const large = generateWorld({ seed: 3, count: 50 });
    for (let i = 0; i < 5; i++) {
      expect(large.examples[i]!.image.data).toEqual(small.examples[i]!.image.data);
      expect(large.examples[i]!.caption).toBe(small.examples[i]!.caption);
    }
    expect(generateExample(resolveOptions({ seed: 3, count: 50 }), 4).caption).toBe(small.examples[4]!.caption);
  });

  // A change here means every saved world and every result measured on one changes too.
  it('keeps the first pictures of a fixed world byte for byte', () => {
    const world = generateWorld({ seed: 1, count: 4, maxObjects: 2, sizes: ['small', 'big'] });
    expect(world.examples.map((e) => e.caption)).toMatchInlineSnapshot(`
      [
        "a big orange cross on the right",
        "a small blue cross at the bottom",
        "a small yellow square at the bottom",
        "a big blue triangle on the right and a big yellow triangle at the top",
      ]
    `);
    expect(sha256Hex(imageBytes(world, 4))).toMatchInlineSnapshot(`"cc6b01e06095f1118b6bfe6b35ffd91b0ed1d1a917a25eb439d32d0e868ac210"`);
  });

  it('keeps noise apart from content: more noise, same shapes and words', () => {
    const quiet = generateWorld({ seed: 9, count: 10, noise: 0 });
    const loud = generateWorld({ seed: 9, count: 10, noise: 20 });
    expect(loud.examples.map((e) => e.caption)).toEqual(quiet.examples.map((e) => e.caption));
    expect(loud.examples[0]!.image.data).not.toEqual(quiet.examples[0]!.image.data);
  });

  it('makes uint8 [H, W, 3] images of the chosen size', () => {
    const world = generateWorld({ count: 2, size: 48 });
    expect(world.examples[0]!.image.dtype).toBe('uint8');
    expect(world.examples[0]!.image.dims).toEqual([48, 48, 3]);
    expect(world.examples.map((e) => e.id)).toEqual(['0001', '0002']);
  });

  it('rejects worlds that cannot be drawn, naming the option', () => {
    expect(() => generateWorld({ maxObjects: 3, positions: ['left', 'right'] })).toThrow(/maxObjects/);
    expect(() => generateWorld({ size: 8 })).toThrow(/size/);
    expect(() => generateWorld({ colours: ['red', 'red'] })).toThrow(/colours/);
    expect(() => generateWorld({ questions: ['size'] })).toThrow(/single answer/);
    expect(() => generateWorld({ task: 'regions', maxObjects: 3, numRegions: 2 })).toThrow(/numRegions/);
    expect(() => generateWorld({ heldout: [] } as never)).toThrow(/unknown world option "heldout"/);
  });
});
