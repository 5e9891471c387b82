import { ModalflowError } from '@modalflow/core';
import fc from 'fast-check';
import { test } from 'vitest';
import { decodeGraph, decodeModel } from './decode.ts';
import { encodeModel } from './encode.ts';
import { SAMPLE_OPTIONS, sampleGraph } from './test-fixtures.ts';
test('heavy', () => {
  const valid = encodeModel(sampleGraph(), SAMPLE_OPTIONS);
  let ok = 0, err = new Map<string, number>();
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({min:0,max:255}), fc.integer({min:0,max:2})), {minLength:1,maxLength:6}), (edits) => {
    let b = Array.from(valid);
    for (const [at, v, kind] of edits) { if (kind===0) b[at % b.length]=v; else if (kind===1) b.splice(at % (b.length+1),0,v); else b.splice(at % b.length,1); }
    const bytes = Uint8Array.from(b);
    for (const d of [decodeModel, decodeGraph]) {
      try { d(bytes); ok++; } catch (e) { if (!(e instanceof ModalflowError)) throw e; err.set(e.code, (err.get(e.code)??0)+1); }
    }
  }), { numRuns: 100000 });
  console.log(ok, err);
}, 600000);
