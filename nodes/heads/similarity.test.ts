import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { f64, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import similarity from './similarity.ts';

function normalizeRef(x: Float64Array, d: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[r * d + k]! ** 2;
    for (let k = 0; k < d; k++) y[r * d + k] = x[r * d + k]! / Math.sqrt(s);
  }
  return y;
}

/** scale · I T^T with I, T the normalised (projected) embeddings. */
function logitsRef(img: Float64Array, txt: Float64Array, bi: number, bt: number, e: number, scale: number): Float64Array {
  const out = new Float64Array(bi * bt);
  for (let a = 0; a < bi; a++) {
    for (let b = 0; b < bt; b++) {
      let s = 0;
      for (let k = 0; k < e; k++) s += img[a * e + k]! * txt[b * e + k]!;
      out[a * bt + b] = scale * s;
    }
  }
  return out;
}

function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[c * rows + r] = x[r * cols + c]!;
  return y;
}

describe('head.similarity', () => {
  it('projects, normalises and scales as CLIP', async () => {
    const params = { embed: 4 };
    const image = randomTensor([3, 6], 1);
    const text = randomTensor([2, 5], 2);
    const inputs = { image, text };
    const weights: Record<string, Tensor> = { ...randomWeights(similarity, { params, inputs }, 7), logit_scale: float32([], [2.6592]) };
    const { outputs } = await runNode(similarity, { params, inputs, weights });
    const I = normalizeRef(linearRef(f64(image), 6, f64(weights['visual_projection.weight']!), 4), 4);
    const T = normalizeRef(linearRef(f64(text), 5, f64(weights['text_projection.weight']!), 4), 4);
    const scale = Math.exp(Math.fround(2.6592));
    const lpi = logitsRef(I, T, 3, 2, 4, scale);
    expect(outputs['logits_per_image']!.dims).toEqual([3, 2]);
    expect(outputs['logits_per_text']!.dims).toEqual([2, 3]);
    expect(relError(f64(outputs['logits_per_image']!), lpi)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['logits_per_text']!), transpose(lpi, 3, 2))).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['image_embeds']!), I)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['text_embeds']!), T)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['scale']!), [scale])).toBeLessThanOrEqual(1e-6);
  });

  it('starts from s = ln(1/0.07) and clips exp(s) at max_scale', async () => {
    const inputs = { image: randomTensor([2, 3], 3), text: randomTensor([2, 3], 4) };
    const seeded = await runNode(similarity, { params: { embed: 3 }, inputs });
    expect(f64(seeded.weights['logit_scale']!)[0]).toBe(Math.fround(2.6592)); // HF's logit_scale_init_value, ln(1/0.07) rounded
    const params = { project_image: false, project_text: false, max_scale: 100 };
    const { outputs } = await runNode(similarity, { params, inputs, weights: { logit_scale: float32([], [5]) } });
    expect(f64(outputs['scale']!)[0]).toBe(100);
    const lpi = logitsRef(normalizeRef(f64(inputs.image), 3), normalizeRef(f64(inputs.text), 3), 2, 2, 3, 100);
    expect(relError(f64(outputs['logits_per_image']!), lpi)).toBeLessThanOrEqual(1e-5);
  });

  it('skips one projection when its features already are embeddings', async () => {
    const params = { embed: 4, project_text: false };
    const inputs = { image: randomTensor([2, 6], 5), text: randomTensor([3, 4], 6) };
    const weights = randomWeights(similarity, { params, inputs }, 8);
    expect(Object.keys(weights).sort()).toEqual(['logit_scale', 'visual_projection.weight']);
    const { outputs } = await runNode(similarity, { params, inputs, weights });
    const I = normalizeRef(linearRef(f64(inputs.image), 6, f64(weights['visual_projection.weight']!), 4), 4);
    const T = normalizeRef(f64(inputs.text), 4);
    const lpi = logitsRef(I, T, 2, 3, 4, Math.min(100, Math.exp(f64(weights['logit_scale']!)[0]!)));
    expect(relError(f64(outputs['logits_per_image']!), lpi)).toBeLessThanOrEqual(1e-5);
  });

  it('adds projection biases and keeps the scale within [min_scale, max_scale] (ALBEF ITC)', async () => {
    const params = { embed: 3, bias: true, min_scale: 2, max_scale: 1000 };
    const image = randomTensor([2, 5], 11);
    const text = randomTensor([3, 4], 12);
    const inputs = { image, text };
    const base = randomWeights(similarity, { params, inputs }, 13);
    expect(Object.keys(base)).toEqual(['visual_projection.weight', 'visual_projection.bias', 'text_projection.weight', 'text_projection.bias', 'logit_scale']);
    const W = (n: string) => f64(base[n]!);
    const I = normalizeRef(linearRef(f64(image), 5, W('visual_projection.weight'), 3, W('visual_projection.bias')), 3);
    const T = normalizeRef(linearRef(f64(text), 4, W('text_projection.weight'), 3, W('text_projection.bias')), 3);
    // s = ln(1/0.07): inside the range; s = 0 (τ = 1): raised to 2 (τ = 0.5); s = 8: capped at 1000 (τ = 0.001).
    for (const [s, expected] of [[Math.log(1 / 0.07), Math.exp(Math.fround(Math.log(1 / 0.07)))], [0, 2], [8, 1000]] as const) {
      const { outputs } = await runNode(similarity, { params, inputs, weights: { ...base, logit_scale: float32([], [s]) } });
      expect(relError(f64(outputs['scale']!), [expected])).toBeLessThanOrEqual(1e-6);
      const lpi = logitsRef(I, T, 2, 3, 3, expected);
      expect(relError(f64(outputs['logits_per_image']!), lpi)).toBeLessThanOrEqual(1e-5);
      expect(relError(f64(outputs['logits_per_text']!), transpose(lpi, 2, 3))).toBeLessThanOrEqual(1e-5);
    }
  });

  it('counts ALBEF\'s ITC head: two 768->256 projections with bias and the temperature', () => {
    const { info } = analyzeNode(similarity, { image: shapeOnly([1, 768]), text: shapeOnly([1, 768]) }, { embed: 256, bias: true });
    expect(info.paramCount).toBe(2 * (768 * 256 + 256) + 1);
    expect(info.paramCount).toBe(393_729);
  });

  it('rejects min_scale above max_scale', () => {
    const { problems } = analyzeNode(similarity, { image: shapeOnly([1, 4]), text: shapeOnly([1, 4]) }, { embed: 4, min_scale: 200 });
    expect(problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(problems[0]?.at.param).toBe('min_scale');
  });

  it('counts the parameters of CLIP ViT-B/32 (768->512 and 512->512 projections + logit scale)', () => {
    const { info } = analyzeNode(similarity, { image: shapeOnly([1, 768]), text: shapeOnly([1, 512]) }, { embed: 512 });
    expect(info.paramCount).toBe(768 * 512 + 512 * 512 + 1);
  });

  it('rejects incompatible widths and ranks, naming the port', () => {
    const off = analyzeNode(similarity, { image: shapeOnly([2, 8]), text: shapeOnly([2, 6]) }, { project_image: false, project_text: false });
    expect(off.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(off.problems[0]?.at.port).toBe('text');
    const one = analyzeNode(similarity, { image: shapeOnly([2, 8]), text: shapeOnly([2, 6]) }, { embed: 6, project_image: false });
    expect(one.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(one.problems[0]?.at.port).toBe('image');
    expect(one.problems[0]?.message).toMatch(/image/);
    const rank = analyzeNode(similarity, { image: shapeOnly([2, 3, 8]), text: shapeOnly([2, 6]) });
    expect(rank.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(rank.problems[0]?.message).toMatch(/"image"/);
  });
});
