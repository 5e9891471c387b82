import { describe, expect, it } from 'vitest';
import { formatCount, formatFlops } from './format.ts';

describe('format', () => {
  it('shortens counts', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(768)).toBe('768');
    expect(formatCount(4096)).toBe('4.1K');
    expect(formatCount(86_200_000)).toBe('86.2M');
    expect(formatCount(1_000_000)).toBe('1M');
    expect(formatCount(354_000_000)).toBe('354M');
  });

  it('writes FLOPs with a prefix', () => {
    expect(formatFlops(4.4e9)).toBe('4.4 GFLOPs');
    expect(formatFlops(120e6)).toBe('120 MFLOPs');
    expect(formatFlops(850)).toBe('850 FLOPs');
  });
});
