import { describe, expect, it } from 'vitest';
import { firstValues, formatValue, histogram, numericValues, tensorStats } from './stats.ts';

describe('tensor statistics', () => {
  it('matches numpy: population std, NaN and infinities counted apart', () => {
    const s = tensorStats([1, 2, 3, 4, NaN, Infinity]);
    expect(s).toMatchObject({ count: 6, finite: 4, nan: 1, inf: 1, min: 1, max: 4, mean: 2.5 });
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(tensorStats([]).mean).toBeNaN();
  });

  it('stays accurate when the mean is large next to the spread', () => {
    const base = 1e8;
    expect(tensorStats([base + 1, base + 2, base + 3]).std).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });

  it('reads every dtype as doubles, strings as nothing', () => {
    expect(Array.from(numericValues({ dtype: 'int64', dims: [2], data: new BigInt64Array([3n, -4n]) })!)).toEqual([3, -4]);
    expect(Array.from(numericValues({ dtype: 'float16', dims: [2], data: new Uint16Array([0x3c00, 0xc000]) })!)).toEqual([1, -2]);
    expect(numericValues({ dtype: 'string', dims: [1], data: ['a'] })).toBeNull();
  });
});

describe('histogram binning', () => {
  it('bins equal widths over the range, the last bin closed on the right', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1], 4);
    expect(h).toEqual({ lo: 0, hi: 1, counts: [2, 0, 1, 2] });
    expect(h.counts.reduce((a, b) => a + b)).toBe(5);
  });

  it('skips NaN and infinities; a constant tensor is one bin around its value', () => {
    expect(histogram([2, 2, NaN, -Infinity], 8)).toEqual({ lo: 1.5, hi: 2.5, counts: [2] });
    expect(histogram([NaN], 8)).toEqual({ lo: 0, hi: 0, counts: [] });
  });
});

describe('formatting', () => {
  it('keeps integers whole, four significant digits otherwise, exponents at the extremes', () => {
    expect([0, 3, -2, 0.123456, 1234.5678, 1e-5, 123456.7, NaN, -Infinity].map(formatValue)).toEqual(['0', '3', '-2', '0.1235', '1235', '1.000e-5', '1.235e5', 'NaN', '−∞']);
  });

  it('shows the first values of every dtype', () => {
    expect(firstValues({ dtype: 'float32', dims: [3], data: new Float32Array([0.5, 1, 2]) }, 2)).toEqual(['0.5', '1']);
    expect(firstValues({ dtype: 'int64', dims: [2], data: new BigInt64Array([9007199254740993n, 1n]) })).toEqual(['9007199254740993', '1']);
    expect(firstValues({ dtype: 'bool', dims: [2], data: new Uint8Array([1, 0]) })).toEqual(['true', 'false']);
    expect(firstValues({ dtype: 'string', dims: [1], data: ['a cat'] })).toEqual(['"a cat"']);
  });
});
