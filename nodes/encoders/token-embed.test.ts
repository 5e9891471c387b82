import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, layerNormRef, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { randomWeights } from '../testing/transformer-reference.ts';
import tokenEmbed from './token-embed.ts';

const ids = (rows: number[][], dtype: 'int64' | 'int32' = 'int64'): Tensor => ({
  dtype,
  dims: [rows.length, rows[0]!.length],
  data: dtype === 'int64' ? BigInt64Array.from(rows.flat(), BigInt) : Int32Array.from(rows.flat()),
});
const shapeOnly = (dims: number[], dtype: Tensor['dtype'] = 'int64'): Tensor => ({ dtype, dims, data: new BigInt64Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(tokenEmbed, { params, inputs }), registryWith(tokenEmbed));
  return { a, n: a.nodes.get('n')! };
}

/** word[id] + pos[t] (+ type[seg]), then the optional LayerNorm. */
function embedRef(tok: number[][], seg: number[][] | undefined, weights: Record<string, Tensor>, D: number, typed: boolean, ln?: number) {
  const word = f64(weights['word_embeddings.weight']!);
  const pos = f64(weights['position_embeddings.weight']!);
  const type = typed ? f64(weights['token_type_embeddings.weight']!) : undefined;
  const out: number[] = [];
  tok.forEach((row, b) =>
    row.forEach((id, t) => {
      for (let d = 0; d < D; d++) out.push(word[id * D + d]! + pos[t * D + d]! + (type ? type[(seg?.[b]![t] ?? 0) * D + d]! : 0));
    }),
  );
  return ln === undefined ? Float64Array.from(out) : layerNormRef(out, D, f64(weights['LayerNorm.weight']!), f64(weights['LayerNorm.bias']!), ln);
}

describe('encoder.token_embed', () => {
  it('sums word, position and segment embeddings and layer-normalises (BERT)', async () => {
    const params = { vocab: 11, dim: 6, max_positions: 8, type_vocab: 2, layer_norm: true, eps: 1e-12 };
    const tok = [[1, 5, 10, 0, 3], [7, 7, 2, 9, 4]];
    const seg = [[0, 0, 1, 1, 1], [0, 1, 0, 1, 0]];
    const inputs = { ids: ids(tok), segments: ids(seg, 'int32') };
    const weights = randomWeights(tokenEmbed, { params, inputs });
    const { outputs } = await runNode(tokenEmbed, { params, inputs, weights });
    expect(outputs['tokens']!.dims).toEqual([2, 5, 6]);
    expect(relError(f64(outputs['tokens']!), embedRef(tok, seg, weights, 6, true, 1e-12))).toBeLessThanOrEqual(1e-5);
    expect(outputs['table']!.dims).toEqual([11, 6]);
    expect(Array.from(f64(outputs['table']!))).toEqual(Array.from(f64(weights['word_embeddings.weight']!)));
  });

  it('uses segment 0 for every token when no segment ids are connected', async () => {
    const params = { vocab: 9, dim: 4, max_positions: 6, type_vocab: 3, layer_norm: true, eps: 1e-5 };
    const tok = [[8, 0, 4]];
    const weights = randomWeights(tokenEmbed, { params, inputs: { ids: ids(tok) } }, 3);
    const { outputs } = await runNode(tokenEmbed, { params, inputs: { ids: ids(tok) }, weights });
    expect(relError(f64(outputs['tokens']!), embedRef(tok, undefined, weights, 4, true, 1e-5))).toBeLessThanOrEqual(1e-5);
  });

  it('adds token and position embeddings only (CLIP text)', async () => {
    const params = { vocab: 20, dim: 5, max_positions: 7, type_vocab: 0, layer_norm: false };
    const tok = [[19, 3, 3, 0, 12, 6, 1], [2, 2, 2, 2, 2, 2, 2]];
    const weights = randomWeights(tokenEmbed, { params, inputs: { ids: ids(tok) } }, 8);
    expect(Object.keys(weights)).toEqual(['word_embeddings.weight', 'position_embeddings.weight']);
    const { outputs } = await runNode(tokenEmbed, { params, inputs: { ids: ids(tok) }, weights });
    expect(relError(f64(outputs['tokens']!), embedRef(tok, undefined, weights, 5, false))).toBeLessThanOrEqual(1e-5);
  });

  it('counts BERT-base (23,837,184) and CLIP text (25,336,320) embedding parameters', () => {
    expect(analyze({}, { ids: shapeOnly([1, 128]) }).n.paramCount).toBe(23_837_184);
    const clip = analyze({ vocab: 49408, dim: 512, max_positions: 77, type_vocab: 0, layer_norm: false }, { ids: shapeOnly([1, 77]) });
    expect(clip.n.paramCount).toBe(49408 * 512 + 77 * 512);
    expect(clip.n.outputShapes['table']).toEqual([49408, 512]);
  });

  it('rejects sequences longer than the position table, mismatched or unusable segment ids, and float ids', () => {
    const long = analyze({ max_positions: 77 }, { ids: shapeOnly([1, 78]) }).a.problems[0]!;
    expect(long.code).toBe('MF_SHAPE_INFER');
    expect(long.at.port).toBe('ids');
    expect(long.message).toMatch(/78 exceeds max_positions 77/);

    const seg = analyze({}, { ids: shapeOnly([2, 5]), segments: shapeOnly([2, 6]) }).a.problems[0]!;
    expect(seg.code).toBe('MF_SHAPE_MISMATCH');
    expect(seg.at.port).toBe('segments');
    expect(seg.message).toContain('"segments"');

    const noTypes = analyze({ type_vocab: 0 }, { ids: shapeOnly([2, 5]), segments: shapeOnly([2, 5]) }).a.problems[0]!;
    expect(noTypes.code).toBe('MF_SHAPE_INFER');
    expect(noTypes.at.port).toBe('segments');

    const floats = analyze({}, { ids: shapeOnly([2, 5], 'float32') }).a.problems[0]!;
    expect(floats.code).toBe('MF_DTYPE_MISMATCH');
    expect(floats.at.port).toBe('ids');
  });
});
