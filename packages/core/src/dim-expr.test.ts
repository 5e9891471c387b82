import { describe, expect, it } from 'vitest';
import { evaluateDim } from './dim-expr.ts';
import { dimValue } from './shape.ts';

describe('evaluateDim', () => {
  it('evaluates patch-grid expressions with integer division', () => {
    expect(evaluateDim('(H/32)*(W/32)+1', { H: 384, W: 640 })).toBe(241);
    expect(evaluateDim('(H/32)*(W/32)+1', { H: 390, W: 650 })).toBe(241);
    expect(evaluateDim('T+1', {})).toBe(2);
    expect(evaluateDim('2*(a-b)', { a: 5, b: 2 })).toBe(6);
  });

  it('refuses anything that is not a plain arithmetic expression', () => {
    expect(evaluateDim('alert(1)', {})).toBeUndefined();
    expect(evaluateDim('H/0', { H: 4 })).toBeUndefined();
    expect(evaluateDim('(H', {})).toBeUndefined();
    expect(evaluateDim('H;W', {})).toBeUndefined();
  });

  it('is what cost estimates use for compound dims', () => {
    expect(dimValue('(Hr/32)*(Wr/32)+1', { Hr: 224, Wr: 224 })).toBe(50);
    expect(dimValue('B', {})).toBe(1);
  });
});
