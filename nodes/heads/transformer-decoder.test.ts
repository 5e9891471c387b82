import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { randomTensor, registryWith, runNode, singleNodeGraph } from '../testing/index.ts';
import decoder from './transformer-decoder.ts';

const ids = (rows: number[][]): Tensor => ({ dtype: 'int64', dims: [rows.length, rows[0]!.length], data: BigInt64Array.from(rows.flat(), BigInt) });
const tiny = { vocab: 11, dim: 8, layers: 2, heads: 2, mlp_dim: 16, max_positions: 6 };

describe('decoder.transformer', () => {
  it('has GPT-2 small\'s 124,439,808 parameters by default, and 2,363,904 more per layer with cross-attention (ViT-GPT2)', () => {
    const shape = (t: Tensor) => ({ ...t, data: new Float32Array(0) });
    const count = (inputs: Record<string, Tensor>) => analyzeGraph(singleNodeGraph(decoder, { inputs }), registryWith(decoder)).totals.params;
    expect(count({ ids: shape(ids([[0]])) })).toBe(124_439_808);
    expect(count({ ids: shape(ids([[0]])), memory: shape(randomTensor([1, 197, 768])) })).toBe(124_439_808 + 12 * 2_363_904);
  });

  for (const norm of ['pre', 'post'] as const) {
    it(`${norm}-norm: each position's logits depend only on the tokens up to it`, async () => {
      const memory = randomTensor([1, 3, 5], 4);
      const params = { ...tiny, norm, tie_embeddings: norm === 'pre' };
      const a = await runNode(decoder, { params, inputs: { ids: ids([[2, 4, 6, 8]]), memory } });
      const b = await runNode(decoder, { params, inputs: { ids: ids([[2, 4, 6, 1]]), memory } });
      const la = a.outputs['logits']!.data as Float32Array;
      const lb = b.outputs['logits']!.data as Float32Array;
      expect(a.outputs['logits']!.dims).toEqual([1, 4, 11]);
      expect(Array.from(lb.slice(0, 33))).toEqual(Array.from(la.slice(0, 33)));
      expect(Array.from(lb.slice(33))).not.toEqual(Array.from(la.slice(33)));
    });
  }

  it('with tied embeddings scores words by the embedding table: no lm_head weight', () => {
    const doc = (tie: boolean) => singleNodeGraph(decoder, { params: { ...tiny, tie_embeddings: tie }, inputs: { ids: ids([[1]]) } });
    const weights = (tie: boolean) => Object.keys(analyzeGraph(doc(tie), registryWith(decoder)).nodes.get('n')!.weights);
    expect(weights(true)).not.toContain('lm_head.weight');
    expect(weights(false)).toContain('lm_head.weight');
  });

  it('refuses a width the heads do not divide and a sequence longer than its positions', () => {
    const problems = (params: Record<string, unknown>, rows: number[][]) =>
      analyzeGraph(singleNodeGraph(decoder, { params: { ...tiny, ...params }, inputs: { ids: ids(rows) } }), registryWith(decoder)).problems;
    expect(problems({ heads: 3 }, [[1]])[0]!.message).toMatch(/not divisible by 3 heads/);
    expect(problems({}, [[1, 2, 3, 4, 5, 6, 7]])[0]).toMatchObject({ at: { port: 'ids' } });
  });
});
