import { describe, expect, it } from 'vitest';
import type { Combo } from './options.ts';
import { examplesOf, splitWorld } from './split.ts';
import { COLOURS, SHAPES, words } from './vocabulary.ts';
import { generateWorld } from './world.ts';

const HELD: Combo[] = [{ colour: 'purple', shape: 'circle' }, { colour: 'green', shape: 'triangle' }];

/** Every (colour, shape) pair a text names as adjacent words. */
function namedPairs(text: string): string[] {
  const t = words(text);
  const out: string[] = [];
  for (let i = 0; i + 1 < t.length; i++) {
    if ((COLOURS as readonly string[]).includes(t[i]!) && (SHAPES as readonly string[]).includes(t[i + 1]!)) {
      out.push(`${t[i]} ${t[i + 1]}`);
    }
  }
  return out;
}

describe('held-out pairs', () => {
  const world = generateWorld({
    seed: 21, count: 600, maxObjects: 3, heldOut: HELD, heldOutFraction: 0.25, testFraction: 0.2, task: 'vqa',
  });
  const held = new Set(HELD.map((c) => `${c.colour} ${c.shape}`));
  const splits = splitWorld(world);

  it('puts every example in exactly one split, in roughly the asked shares', () => {
    expect(splits.train.length + splits.test.length + splits.heldout.length).toBe(600);
    expect(splits.heldout.length).toBeGreaterThan(100);
    expect(splits.heldout.length).toBeLessThan(200);
    expect(splits.test.length).toBeGreaterThan(50);
    expect(examplesOf(world, 'test')).toEqual(splits.test);
  });

  it('never shows, says or asks about a held-out pair in train or test', () => {
    for (const e of [...splits.train, ...splits.test]) {
      for (const obj of e.objects) expect(held.has(`${obj.colour} ${obj.shape}`), e.id).toBe(false);
      for (const pair of [...namedPairs(e.caption), ...namedPairs(e.question)]) expect(held.has(pair), e.id).toBe(false);
    }
  });

  it('shows exactly one held-out pair in each held-out example, and asks about it', () => {
    for (const e of splits.heldout) {
      const shown = e.objects.filter((obj) => held.has(`${obj.colour} ${obj.shape}`));
      expect(shown).toHaveLength(1);
      expect(shown[0]!.heldOut).toBe(true);
      expect([e.colour, e.shape]).toEqual([shown[0]!.colour, shown[0]!.shape]);
      expect(namedPairs(e.caption)).toContain(`${shown[0]!.colour} ${shown[0]!.shape}`);
    }
  });

  it('still uses the held-out colours and shapes separately in training', () => {
    const trainPairs = new Set(splits.train.flatMap((e) => e.objects.map((o) => `${o.colour} ${o.shape}`)));
    expect([...trainPairs].some((p) => p.startsWith('purple '))).toBe(true);
    expect([...trainPairs].some((p) => p.endsWith(' circle'))).toBe(true);
  });

  it('has no held-out split when nothing is held out', () => {
    expect(splitWorld(generateWorld({ seed: 1, count: 100 })).heldout).toEqual([]);
  });

  it('rejects held-out pairs outside the world, or holding out everything', () => {
    expect(() => generateWorld({ colours: ['red'], heldOut: [{ colour: 'blue', shape: 'square' }] })).toThrow(/held-out/);
    expect(() => generateWorld({ colours: ['red'], shapes: ['square'], heldOut: [{ colour: 'red', shape: 'square' }] }))
      .toThrow(/nothing left/);
  });
});
