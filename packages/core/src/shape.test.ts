import { describe, expect, it } from 'vitest';
import { dimAdd, dimMul, formatShape, parseShape } from './shape.ts';
import { fillTemplate, unifyShape } from './unify.ts';

describe('shapes', () => {
  it('parses and formats', () => {
    expect(parseShape('B, 3, 224, 224')).toEqual(['B', 3, 224, 224]);
    expect(parseShape('[B, 77]')).toEqual(['B', 77]);
    expect(parseShape('')).toEqual([]);
    expect(() => parseShape('B, -1')).toThrow(/neither a size/);
    expect(formatShape(['B', 50, 768])).toBe('B×50×768');
  });

  it('does arithmetic on known and symbolic dims', () => {
    expect(dimAdd(3, 4)).toBe(7);
    expect(dimAdd('T', 1)).toBe('T+1');
    expect(dimMul('T', 2)).toBe('T*2');
    expect(dimMul('T+1', 2)).toBe('(T+1)*2');
  });

  it('unifies templates, binding names and checking params and known sizes', () => {
    const dims = {};
    expect(unifyShape(['B', 'D'], ['B', 768], dims, {}).ok).toBe(true);
    expect(dims).toEqual({ B: 'B', D: 768 });
    const clash = unifyShape(['B', 'D'], ['B', 512], dims, {});
    expect(clash.ok).toBe(false);
    expect(clash.message).toContain('must be 768, got 512');
    expect(unifyShape(['B', 'dim'], ['B', 64], {}, { dim: 32 }).message).toContain('set by param dim');
    expect(unifyShape(['B', 'D'], ['B', 'T', 4], {}, {}).message).toContain('expects rank 2');
    expect(fillTemplate(['B', 'dim'], { B: 'B' }, { dim: 32 })).toEqual(['B', 32]);
  });
});
