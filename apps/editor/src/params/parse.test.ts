import { describe, expect, it } from 'vitest';
import { float, int, ints, string, strings } from '@modalflow/core';
import { formatParam, parseParam } from './parse.ts';

describe('param text', () => {
  it('parses numbers within their range', () => {
    const spec = int({ default: 4, min: 1, max: 8 });
    expect(parseParam(spec, ' 6 ')).toEqual({ ok: true, value: 6 });
    expect(parseParam(spec, '9')).toMatchObject({ ok: false, message: expect.stringContaining('outside the range [1, 8]') });
    expect(parseParam(spec, '2.5')).toMatchObject({ ok: false, message: expect.stringContaining('an integer') });
    expect(parseParam(float({ default: 0 }), '1e-5')).toEqual({ ok: true, value: 1e-5 });
    expect(parseParam(float({ default: 0 }), '')).toMatchObject({ ok: false });
  });

  it('reads lists and checks patterns', () => {
    expect(parseParam(strings({ default: [] }), 'cat\n dog \n\n')).toEqual({ ok: true, value: ['cat', 'dog'] });
    expect(parseParam(ints({ default: [], min: 1 }), '1, 2 3')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseParam(ints({ default: [], min: 1 }), '1, 0')).toMatchObject({ ok: false });
    expect(parseParam(ints({ default: [] }), '1, x')).toMatchObject({ ok: false });
    expect(parseParam(string({ default: '', pattern: '^[a-z]+$' }), 'A')).toMatchObject({ ok: false });
  });

  it('formats values back into the same text', () => {
    expect(formatParam(strings({ default: [] }), ['a', 'b'])).toBe('a\nb');
    expect(formatParam(ints({ default: [7] }), undefined)).toBe('7');
  });
});
