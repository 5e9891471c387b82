import { describe, expect, it } from 'vitest';
import { ModalflowError } from '@modalflow/core';
import { fromWire, toWire } from './wire.ts';

describe('errors across the worker boundary', () => {
  it('keeps the code, location and problems that structured clone would drop', () => {
    const sent = new ModalflowError('RUNTIME_RUN_FAILED', 'session "s": input "x": bad', { port: 'x' });
    const got = fromWire(structuredClone(toWire(sent)));
    expect(got).toBeInstanceOf(ModalflowError);
    expect(got).toMatchObject({ code: 'RUNTIME_RUN_FAILED', at: { port: 'x' }, message: sent.message });
    expect((got as ModalflowError).problems).toEqual(sent.problems);
  });

  it('keeps the name of plain errors', () => {
    const e = new RangeError('out of range');
    const got = fromWire(structuredClone(toWire(e)));
    expect(got).toMatchObject({ name: 'RangeError', message: 'out of range' });
  });
});
