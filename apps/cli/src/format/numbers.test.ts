import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, shortCount, shortFlops, withThousands } from './numbers.ts';

describe('number formatting', () => {
  it('groups thousands', () => {
    expect(withThousands(0)).toBe('0');
    expect(withThousands(999)).toBe('999');
    expect(withThousands(86234112)).toBe('86,234,112');
    expect(withThousands(-1234567.5)).toBe('-1,234,567.5');
  });

  it('shortens counts', () => {
    expect(shortCount(512)).toBe('512');
    expect(shortCount(3060)).toBe('3.1K');
    expect(shortCount(86_234_112)).toBe('86.2M');
    expect(shortCount(999_960)).toBe('1.0M');
    expect(shortCount(7_000_000_000)).toBe('7.0B');
  });

  it('shortens FLOPs with SI prefixes', () => {
    expect(shortFlops(0)).toBe('0 FLOPs');
    expect(shortFlops(792)).toBe('792 FLOPs');
    expect(shortFlops(4.4e9)).toBe('4.4 GFLOPs');
    expect(shortFlops(1.5e12)).toBe('1.5 TFLOPs');
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(100)).toBe('100 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 2 ** 20)).toBe('3.0 MiB');
    expect(formatMs(0.5)).toBe('0.50 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(2500)).toBe('2.50 s');
  });
});
