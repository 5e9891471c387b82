import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { randomWeights } from '../testing/transformer-reference.ts';
import patchEmbed from './patch-embed.ts';

const shapeOnly = (dims: number[], dtype: Tensor['dtype'] = 'float32'): Tensor => ({ dtype, dims, data: new Float32Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(patchEmbed, { params, inputs }), registryWith(patchEmbed));
  return { a, n: a.nodes.get('n')! };
}

/** Conv with kernel = stride = P, patches row by row: z[b, n, d]. */
function patchesRef(px: Float64Array, B: number, C: number, H: number, W: number, P: number, D: number, wt: Float64Array, bias?: Float64Array) {
  const gh = H / P;
  const gw = W / P;
  const out = new Float64Array(B * gh * gw * D);
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        for (let d = 0; d < D; d++) {
          let acc = bias ? bias[d]! : 0;
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < P; u++) {
              for (let v = 0; v < P; v++) acc += wt[((d * C + c) * P + u) * P + v]! * px[((b * C + c) * H + y * P + u) * W + x * P + v]!;
            }
          }
          out[((b * gh + y) * gw + x) * D + d] = acc;
        }
      }
    }
  }
  return out;
}

/** Bilinear resize of a [g0, g0, D] grid (row-major positions) to [gh, gw, D] with align_corners=True. */
function resizeRef(grid: Float64Array, g0: number, gh: number, gw: number, D: number): Float64Array {
  const src = (dst: number, out: number) => (out === 1 ? 0 : (dst * (g0 - 1)) / (out - 1));
  const out = new Float64Array(gh * gw * D);
  for (let y = 0; y < gh; y++) {
    const sy = src(y, gh);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, g0 - 1);
    const fy = sy - y0;
    for (let x = 0; x < gw; x++) {
      const sx = src(x, gw);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, g0 - 1);
      const fx = sx - x0;
      for (let d = 0; d < D; d++) {
        const at = (r: number, c: number) => grid[(r * g0 + c) * D + d]!;
        out[(y * gw + x) * D + d] =
          (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
      }
    }
  }
  return out;
}

/** tokens = [cls ; patches] + positions, the positions' grid part resized when asked. */
function embedRef(px: Tensor, weights: Record<string, Tensor>, p: { patch: number; dim: number; image_size: number; class_token: boolean; bias: boolean }) {
  const [B, C, H, W] = px.dims as [number, number, number, number];
  const D = p.dim;
  const P = p.patch;
  const g0 = p.image_size / P;
  const gh = H / P;
  const gw = W / P;
  const z = patchesRef(f64(px), B, C, H, W, P, D, f64(weights['patch_embedding.weight']!), p.bias ? f64(weights['patch_embedding.bias']!) : undefined);
  const table = f64(weights['position_embedding.weight']!);
  const off = p.class_token ? 1 : 0;
  let grid: Float64Array = table.slice(off * D);
  if (gh !== g0 || gw !== g0) grid = resizeRef(grid, g0, gh, gw, D);
  const n = gh * gw;
  const out = new Float64Array(B * (n + off) * D);
  for (let b = 0; b < B; b++) {
    if (p.class_token) {
      const cls = f64(weights['class_embedding']!);
      for (let d = 0; d < D; d++) out[b * (n + 1) * D + d] = cls[d]! + table[d]!;
    }
    for (let k = 0; k < n; k++) {
      for (let d = 0; d < D; d++) out[(b * (n + off) + off + k) * D + d] = z[(b * n + k) * D + d]! + grid[k * D + d]!;
    }
  }
  return out;
}

describe('encoder.patch_embed', () => {
  it('patchifies, prepends the class token and adds positions (CLIP layout)', async () => {
    const p = { patch: 4, dim: 6, image_size: 8, class_token: true, bias: false };
    const pixels = randomTensor([2, 3, 8, 8], 4);
    const weights = randomWeights(patchEmbed, { params: p, inputs: { pixels } });
    expect(Object.keys(weights)).toEqual(['patch_embedding.weight', 'class_embedding', 'position_embedding.weight']);
    const { outputs } = await runNode(patchEmbed, { params: p, inputs: { pixels }, weights });
    expect(outputs['tokens']!.dims).toEqual([2, 5, 6]);
    expect(relError(f64(outputs['tokens']!), embedRef(pixels, weights, p))).toBeLessThanOrEqual(1e-5);
    expect(outputs['mask']!.dtype).toBe('int64');
    expect(Array.from(f64(outputs['mask']!))).toEqual(new Array(10).fill(1));
  });

  it('works without a class token and with a conv bias', async () => {
    const p = { patch: 2, dim: 4, image_size: 6, class_token: false, bias: true, channels: 2 };
    const pixels = randomTensor([1, 2, 6, 6], 12);
    const weights = randomWeights(patchEmbed, { params: p, inputs: { pixels } }, 31);
    const { outputs } = await runNode(patchEmbed, { params: p, inputs: { pixels }, weights });
    expect(outputs['tokens']!.dims).toEqual([1, 9, 4]);
    expect(weights['position_embedding.weight']!.dims).toEqual([9, 4]);
    expect(relError(f64(outputs['tokens']!), embedRef(pixels, weights, p))).toBeLessThanOrEqual(1e-5);
  });

  it('resizes the position grid bilinearly (align_corners) and masks padding patches (ViLT)', async () => {
    const p = { patch: 2, dim: 5, image_size: 8, class_token: true, bias: true, interpolate: true };
    // 6×10 pixels: a 3×5 grid from the trained 4×4 one, shrunk in height and stretched in width.
    const pixels = randomTensor([2, 3, 6, 10], 17);
    const pm = new Uint8Array(2 * 6 * 10).fill(1);
    for (let y = 0; y < 6; y++) for (let x = 6; x < 10; x++) pm[60 + y * 10 + x] = 0; // image 2 is 6 pixels wide
    for (let x = 0; x < 10; x++) pm[5 * 10 + x] = 0; // a bottom pixel row of image 1 alone does not hide a patch
    const inputs = { pixels, pixel_mask: { dtype: 'bool' as const, dims: [2, 6, 10], data: pm } };
    const weights = randomWeights(patchEmbed, { params: p, inputs }, 77);
    const { outputs } = await runNode(patchEmbed, { params: p, inputs, weights });
    expect(outputs['tokens']!.dims).toEqual([2, 16, 5]);
    expect(relError(f64(outputs['tokens']!), embedRef(pixels, weights, p))).toBeLessThanOrEqual(1e-5);
    const row2 = [1, ...[0, 1, 2].flatMap(() => [1, 1, 1, 0, 0])];
    expect(Array.from(f64(outputs['mask']!))).toEqual([...new Array(16).fill(1), ...row2]);
  });

  it('keeps the trained positions exactly when the grid matches, even with interpolate on', async () => {
    const p = { patch: 2, dim: 3, image_size: 6, interpolate: true };
    const pixels = randomTensor([1, 3, 6, 6], 2);
    const weights = randomWeights(patchEmbed, { params: p, inputs: { pixels } }, 5);
    const { outputs } = await runNode(patchEmbed, { params: p, inputs: { pixels }, weights });
    expect(relError(f64(outputs['tokens']!), embedRef(pixels, weights, { ...p, class_token: true, bias: false }))).toBeLessThanOrEqual(1e-5);
  });

  it('counts the CLIP ViT-B/32 embeddings: 2,398,464 parameters', () => {
    const { a, n } = analyze({}, { pixels: shapeOnly([1, 3, 224, 224]) });
    expect(a.ok).toBe(true);
    expect(n.outputShapes['tokens']).toEqual([1, 50, 768]);
    expect(n.paramCount).toBe(768 * 3 * 32 * 32 + 768 + 50 * 768);
    expect(n.paramCount).toBe(2_398_464);
    // 49 patches × 768 outputs × 3072 multiply-adds, plus the position add over 50 tokens.
    expect(n.flops).toBe(49 * 768 * 2 * 3 * 32 * 32 + 50 * 768);
  });

  it('gives symbolic token counts for symbolic image sizes when interpolating', () => {
    const doc = singleNodeGraph(patchEmbed, { params: { interpolate: true }, inputs: { pixels: shapeOnly([1, 3, 224, 224]) } });
    doc.nodes[0]!.params = { dtype: 'float32', shape: 'B, 3, H, W' };
    const n = analyzeGraph(doc, registryWith(patchEmbed)).nodes.get('n')!;
    expect(n.outputShapes['tokens']).toEqual(['B', '(H/32)*(W/32)+1', 768]);
  });

  it('rejects wrong channels, sizes that are not multiples of the patch and an untrained grid', () => {
    const ch = analyze({}, { pixels: shapeOnly([1, 1, 224, 224]) }).a.problems[0]!;
    expect(ch.code).toBe('MF_SHAPE_MISMATCH');
    expect(ch.at.port).toBe('pixels');
    expect(ch.message).toContain('"pixels"');

    const odd = analyze({ interpolate: true }, { pixels: shapeOnly([1, 3, 225, 224]) }).a.problems[0]!;
    expect(odd.code).toBe('MF_SHAPE_INFER');
    expect(odd.at.port).toBe('pixels');
    expect(odd.message).toMatch(/height 225 is not a multiple of patch 32/);

    const grid = analyze({}, { pixels: shapeOnly([1, 3, 384, 640]) }).a.problems[0]!;
    expect(grid.code).toBe('MF_SHAPE_INFER');
    expect(grid.at.port).toBe('pixels');
    expect(grid.message).toMatch(/12×20 patch grid .* 7×7 .* interpolate/);

    const pm = analyze({}, { pixels: shapeOnly([1, 3, 224, 224]), pixel_mask: shapeOnly([1, 224, 200], 'int64') }).a.problems[0]!;
    expect(pm.code).toBe('MF_SHAPE_MISMATCH');
    expect(pm.at.port).toBe('pixel_mask');
  });
});
