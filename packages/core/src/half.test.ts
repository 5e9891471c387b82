import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from './half.ts';

describe('float16 conversion', () => {
  it('converts exactly representable values both ways', () => {
    for (const [v, bits] of [[0, 0], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [2 ** -24, 1], [0.5, 0x3800]] as const) {
      expect(floatToHalf(v)).toBe(bits);
      expect(halfToFloat(bits)).toBe(v);
    }
  });
  it('rounds to nearest even and saturates to infinity', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(halfToFloat(floatToHalf(NaN))).toBeNaN();
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
  });
});
