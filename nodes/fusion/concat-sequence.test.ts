import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { lengthMask } from '../testing/fusion-reference.ts';
import concatSequence from './concat-sequence.ts';

/** Reference: out[b, offset_p + t, :] = part_p[b, t, :] + E[p, :]. */
function joinRef(parts: Tensor[], e: Float64Array | undefined, d: number): Float64Array {
  const bsz = parts[0]!.dims[0]!;
  const total = parts.reduce((a, p) => a + p.dims[1]!, 0);
  const out = new Float64Array(bsz * total * d);
  for (let b = 0; b < bsz; b++) {
    let off = 0;
    parts.forEach((p, k) => {
      const x = f64(p);
      const t = p.dims[1]!;
      for (let s = 0; s < t; s++) {
        for (let i = 0; i < d; i++) out[(b * total + off + s) * d + i] = x[(b * t + s) * d + i]! + (e ? e[k * d + i]! : 0);
      }
      off += t;
    });
  }
  return out;
}

describe('fusion.concat_sequence', () => {
  it('joins two sequences with modality-type embeddings and merges masks (absent = ones)', async () => {
    const a = randomTensor([2, 3, 4], 1);
    const b = randomTensor([2, 5, 4], 2);
    const { outputs, weights } = await runNode(concatSequence, { inputs: { a, b, a_mask: lengthMask([2, 3], 3) } });
    expect(outputs['x']!.dims).toEqual([2, 8, 4]);
    expect(weights['token_type_embeddings.weight']!.dims).toEqual([2, 4]);
    const ref = joinRef([a, b], f64(weights['token_type_embeddings.weight']!), 4);
    expect(relError(f64(outputs['x']!), ref)).toBeLessThanOrEqual(1e-5);
    expect(outputs['mask']!.dtype).toBe('int64');
    expect(Array.from(f64(outputs['mask']!))).toEqual([1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('takes a third part, masks of other dtypes, and can skip the type embeddings', async () => {
    const a = randomTensor([1, 2, 3], 3);
    const b = randomTensor([1, 1, 3], 4);
    const c = randomTensor([1, 3, 3], 5);
    const bMask: Tensor = { dtype: 'bool', dims: [1, 1], data: Uint8Array.of(0) };
    const cMask: Tensor = { dtype: 'float32', dims: [1, 3], data: Float32Array.of(1, 0, 1) };
    const withE = await runNode(concatSequence, { inputs: { a, b, c, b_mask: bMask, c_mask: cMask } });
    expect(withE.weights['token_type_embeddings.weight']!.dims).toEqual([3, 3]);
    const ref = joinRef([a, b, c], f64(withE.weights['token_type_embeddings.weight']!), 3);
    expect(relError(f64(withE.outputs['x']!), ref)).toBeLessThanOrEqual(1e-5);
    expect(Array.from(f64(withE.outputs['mask']!))).toEqual([1, 1, 0, 1, 0, 1]);

    const plain = await runNode(concatSequence, { params: { type_embeddings: false }, inputs: { a, b, c } });
    expect(Object.keys(plain.weights)).toEqual([]);
    expect(relError(f64(plain.outputs['x']!), joinRef([a, b, c], undefined, 3))).toBeLessThanOrEqual(1e-5);
    expect(Array.from(f64(plain.outputs['mask']!))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('uses a supplied ViLT-layout type embedding (row 0 text, row 1 image)', async () => {
    const a = randomTensor([1, 1, 2], 6);
    const b = randomTensor([1, 1, 2], 7);
    const e: Tensor = { dtype: 'float32', dims: [2, 2], data: Float32Array.of(10, 20, 30, 40) };
    const { outputs } = await runNode(concatSequence, { inputs: { a, b }, weights: { 'token_type_embeddings.weight': e } });
    const [a0, a1] = f64(a);
    const [b0, b1] = f64(b);
    expect(relError(f64(outputs['x']!), [a0! + 10, a1! + 20, b0! + 30, b1! + 40])).toBeLessThanOrEqual(1e-6);
  });

  it('counts the type-embedding parameters as ViLT (2 x 768)', () => {
    const doc = singleNodeGraph(concatSequence, {
      inputs: { a: randomTensor([1, 40, 768], 1), b: randomTensor([1, 145, 768], 2) },
    });
    const info = analyzeGraph(doc, registryWith(concatSequence)).nodes.get('n')!;
    expect(info.paramCount).toBe(2 * 768);
    expect(info.outputShapes['x']).toEqual([1, 185, 768]);
  });

  it('rejects mismatched widths, mask lengths and a mask without its sequence', () => {
    const analyze = (inputs: Record<string, Tensor>) =>
      analyzeGraph(singleNodeGraph(concatSequence, { inputs }), registryWith(concatSequence)).problems.filter((p) => p.severity === 'error');

    const width = analyze({ a: randomTensor([1, 2, 4]), b: randomTensor([1, 3, 5]) });
    expect(width[0]!.code).toBe('MF_SHAPE_MISMATCH');
    expect(width[0]!.message).toContain('"b"');

    const maskLen = analyze({ a: randomTensor([1, 2, 4]), b: randomTensor([1, 3, 4]), b_mask: lengthMask([1], 4) });
    expect(maskLen[0]!.code).toBe('MF_SHAPE_MISMATCH');
    expect(maskLen[0]!.message).toContain('"b_mask"');

    const orphan = analyze({ a: randomTensor([1, 2, 4]), b: randomTensor([1, 3, 4]), c_mask: lengthMask([1], 2) });
    expect(orphan[0]!.code).toBe('MF_SHAPE_INFER');
    expect(orphan[0]!.message).toContain('"c_mask"');
    expect(orphan[0]!.at.port).toBe('c_mask');
  });
});
