import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph, softmaxRef } from '../testing/index.ts';
import zeroShot from './zero-shot.ts';

/** s · cos(x_b, t_k) in float64, rows b, columns k. */
function logitsRef(x: Float64Array, t: Float64Array, b: number, k: number, e: number, s: number): Float64Array {
  const out = new Float64Array(b * k);
  const norm = (a: Float64Array, r: number) => Math.sqrt(a.subarray(r * e, (r + 1) * e).reduce((acc, v) => acc + v * v, 0));
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let d = 0; d < e; d++) dot += x[i * e + d]! * t[j * e + d]!;
      out[i * k + j] = (s * dot) / (norm(x, i) * norm(t, j));
    }
  }
  return out;
}

describe('head.zero_shot', () => {
  it('gives softmax over the labels of scale times the cosine similarity', async () => {
    const image = randomTensor([3, 8], 1);
    const text = randomTensor([5, 8], 2);
    const { outputs, weights } = await runNode(zeroShot, { inputs: { image, text } });
    expect(weights).toEqual({});
    const logits = logitsRef(f64(image), f64(text), 3, 5, 8, 100);
    expect(outputs['logits']!.dims).toEqual([3, 5]);
    expect(outputs['probs']!.dims).toEqual([3, 5]);
    expect(relError(f64(outputs['logits']!), logits)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['probs']!), softmaxRef(logits, 5))).toBeLessThanOrEqual(1e-5);
    for (let r = 0; r < 3; r++) expect(f64(outputs['probs']!).subarray(r * 5, r * 5 + 5).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
  });

  it('takes the scale as a param, and does not depend on the vectors\' lengths', async () => {
    const image = randomTensor([1, 4], 3, 50);
    const text = randomTensor([2, 4], 4, 0.01);
    const { outputs } = await runNode(zeroShot, { params: { scale: 1 }, inputs: { image, text } });
    expect(relError(f64(outputs['logits']!), logitsRef(f64(image), f64(text), 1, 2, 4, 1))).toBeLessThanOrEqual(1e-5);
  });

  it('keeps the image batch and the label count apart, and refuses embeddings of different widths', () => {
    const reg = registryWith(zeroShot);
    const doc = singleNodeGraph(zeroShot, { inputs: { image: randomTensor([1, 4]), text: randomTensor([3, 4]) } });
    doc.nodes[0]!.params = { dtype: 'float32', shape: 'B, 4' };
    doc.nodes[1]!.params = { dtype: 'float32', shape: 'K, 4' };
    const a = analyzeGraph(doc, reg);
    expect(a.problems).toEqual([]);
    expect(a.nodes.get('n')!.outputShapes['probs']).toEqual(['B', 'K']);
    doc.nodes[1]!.params = { dtype: 'float32', shape: 'K, 5' };
    expect(analyzeGraph(doc, reg).problems[0]).toMatchObject({ code: 'MF_SHAPE_MISMATCH', at: { node: 'n', port: 'text' } });
  });
});
