import { describe, expect, it } from 'vitest';
import { parseParamExpr } from './block-expr.ts';

describe('parseParamExpr', () => {
  it('computes sizes from exposed params', () => {
    const e = parseParamExpr('dim * 4');
    expect(e.names).toEqual(['dim']);
    expect(e.evaluate({ dim: 96 })).toBe(384);
    expect(parseParamExpr('(dim + heads) / 2 - 1').evaluate({ dim: 10, heads: 4 })).toBe(6);
    expect(parseParamExpr('-dim').evaluate({ dim: 3 })).toBe(-3);
  });

  it('passes names and literals through unchanged', () => {
    expect(parseParamExpr('act').evaluate({ act: 'gelu' })).toBe('gelu');
    expect(parseParamExpr('"relu"').evaluate({})).toBe('relu');
    expect(parseParamExpr('true').names).toEqual([]);
  });

  it('refuses calls, member access, other operators and bad syntax', () => {
    expect(() => parseParamExpr('Math.max(dim, 2)')).toThrow(/only numbers/);
    expect(() => parseParamExpr('dim.constructor')).toThrow(/only numbers/);
    expect(() => parseParamExpr('dim % 2')).toThrow(/operator "%"/);
    expect(() => parseParamExpr('!flag')).toThrow(/unary minus/);
    expect(() => parseParamExpr('dim *')).toThrow(/cannot parse/);
  });

  it('reports names that are not exposed and arithmetic on text', () => {
    expect(() => parseParamExpr('width * 2').evaluate({ dim: 1 })).toThrow(/"width" is not an exposed param/);
    expect(() => parseParamExpr('act * 2').evaluate({ act: 'gelu' })).toThrow(/needs numbers/);
    expect(() => parseParamExpr('dim / 0').evaluate({ dim: 1 })).toThrow(/division by zero/);
  });
});
