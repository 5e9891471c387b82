import { ModalflowError } from '@modalflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors.ts';

function readOrModalflowError(bytes: Uint8Array): void {
  try {
    readSafetensors(bytes, { file: 'fuzz.safetensors' });
  } catch (e) {
    if (!(e instanceof ModalflowError)) throw e;
    expect(e.code).toMatch(/^SAFETENSORS_/);
  }
}

/** Frames arbitrary header text the way a safetensors file does. */
function frame(header: string, dataLength: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** Generous because property runs are CPU-bound and CI machines vary; a hang still fails. */
const FUZZ_TIMEOUT_MS = 30_000;

describe('reading hostile safetensors', () => {
  const valid = writeSafetensors(
    {
      a: { dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
      b: { dtype: 'int64', dims: [1], data: BigInt64Array.of(5n) },
      c: { dtype: 'bool', dims: [3], data: Uint8Array.of(1, 0, 1) },
    },
    { format: 'pt' },
  );

  it('random bytes only ever give a ModalflowError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), readOrModalflowError), { numRuns: 3000 });
  }, FUZZ_TIMEOUT_MS);

  it('every truncation of a valid file gives SAFETENSORS_CORRUPT or SAFETENSORS_BAD_TENSOR', () => {
    for (let n = 0; n < valid.length; n++) {
      expect(() => readSafetensors(valid.subarray(0, n))).toThrow(/SAFETENSORS_(CORRUPT|BAD_TENSOR)/);
    }
  });

  it('random corruption of a valid file only ever gives a ModalflowError', () => {
    const edit = fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const bytes = valid.slice();
        for (const [at, value] of edits) bytes[at] = value;
        readOrModalflowError(bytes);
      }),
      { numRuns: 3000 },
    );
  }, FUZZ_TIMEOUT_MS);

  it('arbitrary JSON headers only ever give a ModalflowError', () => {
    const entry = fc.record(
      {
        dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'I8', 'U8', 'BOOL', 'I16', 'X'), fc.anything()),
        shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 2 ** 40 }), { maxLength: 4 }), fc.anything()),
        data_offsets: fc.oneof(fc.tuple(fc.nat(64), fc.nat(64)), fc.array(fc.double()), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const header = fc.dictionary(fc.oneof(fc.string(), fc.constant('__metadata__'), fc.constant('__proto__')), fc.oneof(entry, fc.anything()));
    fc.assert(
      fc.property(header, fc.nat(64), (h, dataLength) => readOrModalflowError(frame(JSON.stringify(h), dataLength))),
      { numRuns: 1500 },
    );
  }, FUZZ_TIMEOUT_MS);

  it('a header length near 2^64 fails fast', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expect(() => readSafetensors(bytes)).toThrow(/SAFETENSORS_CORRUPT/);
  });
});
