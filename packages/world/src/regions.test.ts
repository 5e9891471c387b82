import { describe, expect, it } from 'vitest';
import { COLOURS, SHAPES, SIZES } from './vocabulary.ts';
import { generateWorld } from './world.ts';

const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));

describe('region features and boxes', () => {
  const world = generateWorld({
    seed: 13, count: 100, task: 'regions', maxObjects: 3, numRegions: 5, featureDim: 16,
    sizes: ['small', 'big'], shapes: SHAPES,
  });

  it('gives float32 [N, F] features, [N, 4] boxes and an int64 [N] mask', () => {
    const e = world.examples[0]!;
    expect([e.regions!.dtype, e.regions!.dims]).toEqual(['float32', [5, 16]]);
    expect([e.boxes!.dtype, e.boxes!.dims]).toEqual(['float32', [5, 4]]);
    expect([e.region_mask!.dtype, e.region_mask!.dims]).toEqual(['int64', [5]]);
  });

  it('describes each object by one region and pads the rest with zeros', () => {
    for (const e of world.examples) {
      const f = Array.from(e.regions!.data as Float32Array);
      const b = Array.from(e.boxes!.data as Float32Array);
      const mask = Array.from(e.region_mask!.data as BigInt64Array, Number);
      const n = e.objects.length;
      expect(mask).toEqual([...Array(n).fill(1), ...Array(5 - n).fill(0)]);
      const pad = Array(5 - n).fill(-100);
      expect(Array.from(e.region_shapes!.data as BigInt64Array, Number))
        .toEqual([...e.objects.map((o) => SHAPES.indexOf(o.shape)), ...pad]);
      expect(Array.from(e.region_colours!.data as BigInt64Array, Number))
        .toEqual([...e.objects.map((o) => COLOURS.indexOf(o.colour)), ...pad]);
      for (const [i, obj] of e.objects.entries()) {
        const row = f.slice(i * 16, (i + 1) * 16);
        expect(COLOURS[argmax(row.slice(0, 6))]).toBe(obj.colour);
        expect(SHAPES[argmax(row.slice(6, 11))]).toBe(obj.shape);
        expect(SIZES[argmax(row.slice(11, 13))]).toBe(obj.size);
        expect(b.slice(i * 4, i * 4 + 4)).toEqual([obj.box.x1 / 32, obj.box.y1 / 32, obj.box.x2 / 32, obj.box.y2 / 32]);
        // Centre slots agree with the box they came from, within the noise.
        expect(Math.abs(row[13]! - (obj.box.x1 + obj.box.x2) / 64)).toBeLessThan(0.04);
        expect(Math.abs(row[14]! - (obj.box.y1 + obj.box.y2) / 64)).toBeLessThan(0.04);
      }
      expect(f.slice(n * 16).every((v) => v === 0)).toBe(true);
      expect(b.slice(n * 4).every((v) => v === 0)).toBe(true);
    }
  });

  it('adds seeded noise in steps of 1/1024 and none when told', () => {
    const values = world.examples.flatMap((e) => Array.from(e.regions!.data as Float32Array));
    expect(values.every((v) => Number.isInteger(v * 1024))).toBe(true);
    expect(values.some((v) => v !== 0 && v !== 1 && Math.abs(v) < 0.04)).toBe(true);
    const clean = generateWorld({ seed: 13, count: 5, task: 'regions', featureNoise: 0 });
    const first = Array.from(clean.examples[0]!.regions!.data as Float32Array).slice(0, 13);
    expect(first.filter((v) => v === 1)).toHaveLength(3);
    expect(first.filter((v) => v === 0)).toHaveLength(10);
  });

  it('wraps the attribute code into narrower features and pads wider ones with noise', () => {
    const narrow = generateWorld({ seed: 2, count: 3, task: 'regions', featureDim: 6, featureNoise: 0 });
    const wide = generateWorld({ seed: 2, count: 3, task: 'regions', featureDim: 40, featureNoise: 0 });
    const e = narrow.examples[0]!;
    const row = Array.from(e.regions!.data as Float32Array).slice(0, 6);
    // Colour slot c, shape slot 6 + s and the geometry all land in slots mod 6.
    expect(row[COLOURS.indexOf(e.colour)]).toBeGreaterThanOrEqual(1);
    expect(row[SHAPES.indexOf(e.shape) % 6]).toBeGreaterThanOrEqual(1);
    const w = Array.from(wide.examples[0]!.regions!.data as Float32Array);
    expect(w.slice(16, 40).every((v) => v === 0)).toBe(true);
    expect(w.slice(0, 16)).toEqual(
      Array.from(generateWorld({ seed: 2, count: 1, task: 'regions', featureNoise: 0 }).examples[0]!.regions!.data as Float32Array).slice(0, 16),
    );
  });

  it('puts a whole-image region first when asked, as ViLBERT does', () => {
    const g = generateWorld({ seed: 13, count: 20, task: 'regions', maxObjects: 2, globalRegion: true, featureNoise: 0 });
    for (const e of g.examples) {
      const b = Array.from(e.boxes!.data as Float32Array);
      expect(b.slice(0, 4)).toEqual([0, 0, 1, 1]);
      const mask = Array.from(e.region_mask!.data as BigInt64Array, Number);
      expect(mask.filter((m) => m === 1)).toHaveLength(e.objects.length + 1);
      expect(Number((e.region_shapes!.data as BigInt64Array)[0])).toBe(-100);
      const f = Array.from(e.regions!.data as Float32Array);
      // The mean of one-hot colours: each colour's share of the objects.
      for (const obj of e.objects) {
        const share = e.objects.filter((o) => o.colour === obj.colour).length / e.objects.length;
        expect(f[COLOURS.indexOf(obj.colour)]).toBeCloseTo(share, 2);
      }
    }
  });

  it('leaves regions out of the other tasks', () => {
    expect(generateWorld({ count: 2, task: 'vqa' }).examples[0]!.regions).toBeUndefined();
  });
});
