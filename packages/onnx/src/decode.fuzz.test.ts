import { ModalflowError } from '@modalflow/core';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeGraph, decodeModel } from './decode.ts';
import { encodeModel } from './encode.ts';
import { SAMPLE_OPTIONS, sampleGraph } from './test-fixtures.ts';

/** Runs both decoders; any outcome but success or a ModalflowError fails the property. */
function decodeBoth(bytes: Uint8Array): void {
  for (const decode of [decodeModel, decodeGraph]) {
    try {
      decode(bytes, { file: 'fuzz.onnx' });
    } catch (e) {
      if (!(e instanceof ModalflowError)) throw e;
      expect(e.message).toContain('fuzz.onnx');
    }
  }
}

/** Wraps `inner` as length-delimited field `field`, the way nested messages are framed. */
const wrap = (field: number, inner: Uint8Array): Uint8Array =>
  protobuf.Writer.create().uint32((field << 3) | 2).bytes(inner).finish();

/** Generous because property runs are CPU-bound and CI machines vary; a hang still fails. */
const FUZZ_TIMEOUT_MS = 30_000;

describe('decoding hostile input', () => {
  const valid = encodeModel(sampleGraph(), SAMPLE_OPTIONS);

  it('random bytes only ever give a ModalflowError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => decodeBoth(bytes)), { numRuns: 2000 });
  }, FUZZ_TIMEOUT_MS);

  it('every truncation of a valid file gives a ModalflowError or loses only trailing fields', () => {
    const full = decodeModel(valid);
    for (let n = 0; n < valid.length; n++) {
      decodeBoth(valid.subarray(0, n));
      // Protobuf has no end marker, and the fields after the graph (opset_import, then
      // metadata_props) are repeated, so a cut between two of their entries still parses.
      let info;
      try {
        info = decodeModel(valid.subarray(0, n));
      } catch {
        continue;
      }
      expect({ ...info, metadata: {}, opsets: [] }).toEqual({ ...full, metadata: {}, opsets: [] });
      expect(full.opsets.slice(0, info.opsets.length)).toEqual(info.opsets);
    }
  }, FUZZ_TIMEOUT_MS);

  it('random corruption of a valid file only ever gives a ModalflowError', () => {
    const edit = fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = valid.slice();
        for (const [at, value] of edits) bytes[at] = value;
        decodeBoth(bytes);
      }),
      { numRuns: 3000 },
    );
  }, FUZZ_TIMEOUT_MS);

  // Speed is the benchmarks' business; here it is enough that these return instead of allocating.
  it('a declared length far beyond the file is refused without allocating it', () => {
    const huge = protobuf.Writer.create().uint32((7 << 3) | 2).uint32(0xffffffff).finish();
    expect(() => decodeModel(huge)).toThrow(/ONNX_CORRUPT/);
    const packed = protobuf.Writer.create().uint32((4 << 3) | 2).uint32(0x7ffffff0).finish();
    expect(() => decodeModel(wrap(7, wrap(5, packed)))).toThrow(/ONNX_CORRUPT/);
  });

  it('nesting deeper than any real model fails cleanly instead of overflowing the stack', () => {
    let graph: Uint8Array = protobuf.Writer.create().uint32((2 << 3) | 2).string('leaf').finish();
    for (let depth = 0; depth < 60; depth++) graph = wrap(1, wrap(5, wrap(6, graph)));
    expect(() => decodeModel(wrap(7, graph))).toThrow(/ONNX_CORRUPT.*max depth exceeded/);
  });
});
