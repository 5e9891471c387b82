import { describe, expect, it } from 'vitest';
import { formatWorldSpec, parseWorldSpec } from './spec.ts';
import { generateWorld } from './world.ts';

describe('world specs', () => {
  it('reads the settings a command line passes', () => {
    expect(parseWorldSpec('world:shapes?count=512&seed=1&size=32&heldout=purple-circle')).toEqual({
      count: 512, seed: 1, size: 32, heldOut: [{ colour: 'purple', shape: 'circle' }],
    });
    expect(parseWorldSpec('world:shapes')).toEqual({});
    expect(parseWorldSpec(
      'world:shapes?task=regions&objects=1-3&colours=red,blue&shapes=star,square&heldout=red-star,blue-square'
      + '&sizes=small,big&regions=6&features=32&global=1&noise=0&background=plain&questions=colour,exists'
      + '&test_fraction=0.25&heldout_fraction=0.5&feature_noise=0&positions=left,right,top',
    )).toEqual({
      task: 'regions', minObjects: 1, maxObjects: 3, colours: ['red', 'blue'], shapes: ['star', 'square'],
      heldOut: [{ colour: 'red', shape: 'star' }, { colour: 'blue', shape: 'square' }],
      sizes: ['small', 'big'], numRegions: 6, featureDim: 32, globalRegion: true, noise: 0, background: 'plain',
      questions: ['colour', 'exists'], testFraction: 0.25, heldOutFraction: 0.5, featureNoise: 0,
      positions: ['left', 'right', 'top'],
    });
  });

  it('names what is wrong', () => {
    expect(() => parseWorldSpec('shapes?count=1')).toThrow(/world:/);
    expect(() => parseWorldSpec('world:faces')).toThrow(/unknown world "faces"/);
    expect(() => parseWorldSpec('world:shapes?cuont=5')).toThrow(/"cuont"/);
    expect(() => parseWorldSpec('world:shapes?count=-5')).toThrow(/count/);
    expect(() => parseWorldSpec('world:shapes?heldout=purple')).toThrow(/heldout/);
    expect(() => parseWorldSpec('world:shapes?heldout=pink-circle')).toThrow(/pink/);
    expect(() => parseWorldSpec('world:shapes?seed=1&seed=2')).toThrow(/twice/);
    expect(() => parseWorldSpec('world:shapes?objects=one')).toThrow(/objects/);
  });

  it('writes specs that read back to the same world', () => {
    const options = parseWorldSpec('world:shapes?count=30&seed=4&objects=1-2&heldout=purple-circle,red-cross&task=vqa');
    const text = formatWorldSpec(options);
    expect(text).toBe('world:shapes?count=30&seed=4&task=vqa&objects=1-2&heldout=purple-circle,red-cross');
    expect(parseWorldSpec(text)).toEqual(options);
    expect(formatWorldSpec({})).toBe('world:shapes');
    const resolved = generateWorld(options).options;
    expect(generateWorld(parseWorldSpec(formatWorldSpec(resolved))).options).toEqual(resolved);
  });
});
