import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, layerNormRef, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { randomWeights } from '../testing/transformer-reference.ts';
import regionEmbed from './region-embed.ts';

const shapeOnly = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(regionEmbed, { params, inputs }), registryWith(regionEmbed));
  return { a, n: a.nodes.get('n')! };
}

/** Pixel boxes inside a W×H image: x1 < x2 <= W, y1 < y2 <= H. */
function pixelBoxes(B: number, N: number, sizes: [number, number][], seed: number): Tensor {
  const r = f64(randomTensor([B, N, 4], seed));
  const data = new Float32Array(B * N * 4);
  for (let b = 0; b < B; b++) {
    const [W, H] = sizes[b]!;
    for (let n = 0; n < N; n++) {
      const u = (k: number) => (r[(b * N + n) * 4 + k]! + 1) / 2; // [0, 1)
      const x1 = Math.round(u(0) * W * 0.5);
      const y1 = Math.round(u(1) * H * 0.5);
      data.set([x1, y1, x1 + 1 + Math.round(u(2) * (W * 0.5 - 1)), y1 + 1 + Math.round(u(3) * (H * 0.5 - 1))], (b * N + n) * 4);
    }
  }
  return { dtype: 'float32', dims: [B, N, 4], data };
}

/** The three published region embeddings, from their formulas. */
function regionRef(variant: string, feats: Tensor, boxes: Tensor, sizes: [number, number][], weights: Record<string, Tensor>, D: number, eps: number, masked?: number[]) {
  const [B, N, F] = feats.dims as [number, number, number];
  const bx = f64(boxes);
  const geo: number[] = [];
  for (let b = 0; b < B; b++) {
    const [W, H] = sizes[b]!;
    for (let n = 0; n < N; n++) {
      const [x1, y1, x2, y2] = Array.from(bx.slice((b * N + n) * 4, (b * N + n + 1) * 4));
      const c = [x1! / W, y1! / H, x2! / W, y2! / H];
      const w = (x2! - x1!) / W;
      const h = (y2! - y1!) / H;
      if (variant === 'vilbert') geo.push(...c, ((x2! - x1!) * (y2! - y1!)) / (W * H));
      if (variant === 'lxmert') geo.push(...c);
      if (variant === 'uniter') geo.push(...c, w, h, w * h);
    }
  }
  const k = geo.length / (B * N);
  const get = (n: string) => f64(weights[n]!);
  const lin = (x: ArrayLike<number>, inp: number, name: string) => linearRef(x, inp, get(`${name}.weight`), D, get(`${name}.bias`));
  const ln = (x: ArrayLike<number>, name: string) => layerNormRef(x, D, get(`${name}.weight`), get(`${name}.bias`), eps);
  const f = f64(feats);
  if (masked) {
    // UNITER: f + mask_embedding(m) with row 0 zeroed, i.e. row 1 added to masked regions.
    const E = get('mask_embedding.weight');
    for (let r = 0; r < B * N; r++) if (masked[r]) for (let j = 0; j < F; j++) f[r * F + j] = f[r * F + j]! + E[F + j]!;
  }
  if (variant === 'vilbert') {
    const a = lin(f, F, 'image_embeddings');
    const l = lin(geo, k, 'image_location_embeddings');
    return ln(a.map((v, j) => v + l[j]!), 'LayerNorm');
  }
  if (variant === 'lxmert') {
    const a = ln(lin(f, F, 'visn_fc'), 'visn_layer_norm');
    const l = ln(lin(geo, k, 'box_fc'), 'box_layer_norm');
    return a.map((v, j) => (v + l[j]!) / 2);
  }
  const a = ln(lin(f, F, 'img_linear'), 'img_layer_norm');
  const l = ln(lin(geo, k, 'pos_linear'), 'pos_layer_norm');
  const type = get('type_embedding');
  return ln(a.map((v, j) => v + l[j]! + type[j % D]!), 'LayerNorm');
}

describe('encoder.region_embed', () => {
  const feats = randomTensor([2, 3, 10], 6);

  for (const variant of ['vilbert', 'lxmert', 'uniter'] as const) {
    it(`${variant}: normalises pixel boxes by the image size params and embeds`, async () => {
      const params = { variant, dim: 6, image_width: 640, image_height: 480, eps: 1e-12 };
      const boxes = pixelBoxes(2, 3, [[640, 480], [640, 480]], 3);
      const inputs = { features: feats, boxes };
      const weights = randomWeights(regionEmbed, { params, inputs }, 40);
      const { outputs } = await runNode(regionEmbed, { params, inputs, weights });
      expect(outputs['tokens']!.dims).toEqual([2, 3, 6]);
      const ref = regionRef(variant, feats, boxes, [[640, 480], [640, 480]], weights, 6, 1e-12);
      expect(relError(f64(outputs['tokens']!), ref)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('takes per-image sizes from the size input', async () => {
    const sizes: [number, number][] = [[320, 200], [1000, 750]];
    const boxes = pixelBoxes(2, 3, sizes, 9);
    const params = { variant: 'uniter', dim: 4, image_width: 7, image_height: 7, eps: 1e-6 };
    const inputs = { features: feats, boxes, size: { dtype: 'float32' as const, dims: [2, 2], data: Float32Array.from(sizes.flat()) } };
    const weights = randomWeights(regionEmbed, { params, inputs }, 41);
    const { outputs } = await runNode(regionEmbed, { params, inputs, weights });
    expect(relError(f64(outputs['tokens']!), regionRef('uniter', feats, boxes, sizes, weights, 4, 1e-6))).toBeLessThanOrEqual(1e-5);
  });

  it('leaves normalised boxes as they are by default', async () => {
    const boxes = pixelBoxes(2, 3, [[1, 1], [1, 1]], 5);
    const b = boxes.data as Float32Array;
    for (let k = 0; k < b.length; k++) b[k] = b[k]! / 4 + 0.01 * k;
    const params = { variant: 'vilbert', dim: 5 };
    const weights = randomWeights(regionEmbed, { params, inputs: { features: feats, boxes } }, 42);
    const { outputs } = await runNode(regionEmbed, { params, inputs: { features: feats, boxes }, weights });
    expect(relError(f64(outputs['tokens']!), regionRef('vilbert', feats, boxes, [[1, 1], [1, 1]], weights, 5, 1e-12))).toBeLessThanOrEqual(1e-5);
  });

  it('uniter: adds row 1 of mask_embedding to the masked regions only, and exposes img_linear.weight', async () => {
    const boxes = pixelBoxes(2, 3, [[1, 1], [1, 1]], 7);
    (boxes.data as Float32Array).forEach((v, k, a) => (a[k] = v / 2 + 0.01 * k));
    const masked = [0, 1, 0, 1, 1, 0];
    const params = { variant: 'uniter', dim: 4 };
    const inputs = { features: feats, boxes, masked: { dtype: 'int64' as const, dims: [2, 3], data: BigInt64Array.from(masked, BigInt) } };
    const weights = randomWeights(regionEmbed, { params, inputs }, 43);
    const { outputs } = await runNode(regionEmbed, { params, inputs, weights });
    expect(relError(f64(outputs['tokens']!), regionRef('uniter', feats, boxes, [[1, 1], [1, 1]], weights, 4, 1e-12, masked))).toBeLessThanOrEqual(1e-5);
    expect(outputs['feature_weight']!.dims).toEqual([4, 10]);
    expect(Array.from(outputs['feature_weight']!.data as Float32Array)).toEqual(Array.from(weights['img_linear.weight']!.data as Float32Array));
  });

  it('counts the published embeddings: LXMERT 1,580,544 and ViLBERT (2048 -> 1024) 2,106,368 parameters', () => {
    const inputs = { features: shapeOnly([1, 36, 2048]), boxes: shapeOnly([1, 36, 4]) };
    expect(analyze({ variant: 'lxmert' }, inputs).n.paramCount).toBe(1_580_544);
    expect(analyze({ variant: 'vilbert', dim: 1024 }, inputs).n.paramCount).toBe(2_106_368);
    const uniter = analyze({ variant: 'uniter' }, inputs).n;
    expect(Object.keys(uniter.weights)).toEqual([
      'img_linear.weight', 'img_linear.bias', 'img_layer_norm.weight', 'img_layer_norm.bias',
      'pos_layer_norm.weight', 'pos_layer_norm.bias', 'pos_linear.weight', 'pos_linear.bias',
      'mask_embedding.weight', 'type_embedding', 'LayerNorm.weight', 'LayerNorm.bias',
    ]);
    expect(uniter.weights['pos_linear.weight']!.shape).toEqual([768, 7]);
    // UniterImageEmbeddings (1,588,480, mask_embedding included) plus type row 1 (768).
    expect(uniter.paramCount).toBe(1_588_480 + 768);
  });

  it('rejects boxes that are not 4-wide, region counts that disagree and a zero image size', () => {
    const wide = analyze({}, { features: shapeOnly([1, 36, 2048]), boxes: shapeOnly([1, 36, 5]) }).a.problems[0]!;
    expect(wide.code).toBe('MF_SHAPE_MISMATCH');
    expect(wide.at.port).toBe('boxes');
    expect(wide.message).toContain('"boxes"');

    const count = analyze({}, { features: shapeOnly([1, 36, 2048]), boxes: shapeOnly([1, 10, 4]) }).a.problems[0]!;
    expect(count.code).toBe('MF_SHAPE_MISMATCH');
    expect(count.at.port).toBe('boxes');

    const masked = analyze({ variant: 'lxmert' }, { features: shapeOnly([1, 36, 2048]), boxes: shapeOnly([1, 36, 4]), masked: { dtype: 'int64', dims: [1, 36], data: new BigInt64Array(0) } }).a.problems[0]!;
    expect(masked.code).toBe('MF_SHAPE_INFER');
    expect(masked.at.port).toBe('masked');

    const zero = analyze({ image_width: 0 }, { features: shapeOnly([1, 36, 2048]), boxes: shapeOnly([1, 36, 4]) }).a.problems[0]!;
    expect(zero.code).toBe('MF_SHAPE_INFER');
    expect(zero.at.param).toBe('image_width');
  });
});
