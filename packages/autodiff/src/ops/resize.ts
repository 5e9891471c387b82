import type { Dim } from '@modalflow/onnx';
import type { Attrs } from '../attrs.ts';
import { defineOp } from '../op.ts';
import { input, known } from './util.ts';

/**
 * Resize of X by `sizes` (input 3) or `scales` (input 2). Every mode but tf_crop_and_resize is
 * separable and linear in X: along each axis y = A x with a fixed [out, in] matrix A (bilinear
 * weights, a cubic kernel, or a one-hot pick for nearest). So dx = A^T dy, applied axis by axis:
 * the rule builds each A at compile time from the concrete sizes and multiplies dy by it.
 */
export default defineOp({
  type: 'Resize',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const rank = x.shape.length;
    if (ctx.inputs[3]) {
      const sizes = known(ctx, 3);
      if (sizes) {
        if (sizes.length !== rank) return ctx.fail(`sizes has ${sizes.length} entries for rank ${rank}`);
        return [{ dtype: x.dtype, shape: sizes }];
      }
      const n = ctx.inputs[3].shape[0];
      if (n !== rank) return ctx.fail('sizes must have one entry per axis');
      return [{ dtype: x.dtype, shape: Array<Dim>(rank).fill(null) }];
    }
    if (ctx.inputs[2]) {
      const scales = known(ctx, 2);
      if (!scales) return [{ dtype: x.dtype, shape: Array<Dim>(rank).fill(null) }];
      if (scales.length !== rank) return ctx.fail(`scales has ${scales.length} entries for rank ${rank}`);
      return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (scales[k] === 1 ? d : typeof d === 'number' ? Math.floor(d * scales[k]!) : null)) }];
    }
    return ctx.fail('needs scales or sizes');
  },
  grad: ({ g, x, dy, attr, shape, type, value, constant, fail }) => {
    const mode = attr.string('mode', 'nearest');
    const transform = attr.string('coordinate_transformation_mode', 'half_pixel');
    if (transform === 'tf_crop_and_resize') return fail('tf_crop_and_resize has no gradient rule');
    const xs = shape(x[0]!);
    const ys = shape(dy[0]!);
    const scalesValue = x[2] ? value(x[2]) : undefined;
    const scales = scalesValue && scalesValue.dims[0] ? Array.from(scalesValue.data as Float32Array, Number) : undefined;
    const rank = xs.length;
    let d = dy[0]!;
    for (let k = 0; k < rank; k++) {
      const scale = scales ? scales[k]! : ys[k]! / xs[k]!;
      const a = interpolation(mode, transform, attr, xs[k]!, ys[k]!, scale);
      if (!a) return fail(`mode "${mode}" has no gradient rule`);
      if (isIdentity(a, xs[k]!, ys[k]!)) continue;
      // Contract axis k of d with A: move it last, multiply by A [out, in], move it back.
      const perm = [...Array(rank).keys()].filter((j) => j !== k).concat(k);
      const inverse = perm.map((_, j) => perm.indexOf(j));
      const moved = g.op('Transpose', [d], { perm: { kind: 'ints', value: perm } });
      const matrix = constant(type(x[0]!).dtype, [ys[k]!, xs[k]!], a);
      const product = g.op('MatMul', [moved, matrix]);
      d = g.op('Transpose', [product], { perm: { kind: 'ints', value: inverse } });
    }
    return [d, undefined, undefined, undefined];
  },
});

function isIdentity(a: number[], n: number, m: number): boolean {
  return n === m && a.every((v, f) => v === (f % n === Math.floor(f / n) ? 1 : 0));
}

/** Input coordinate of output index o, per coordinate_transformation_mode. */
function source(transform: string, o: number, n: number, m: number, scale: number): number | undefined {
  switch (transform) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return m > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return m === 1 ? 0 : (o * (n - 1)) / (m - 1);
    case 'asymmetric':
      return o / scale;
    default:
      return undefined;
  }
}

/** The [m, n] row-major matrix A of one axis (n inputs, m outputs), or undefined when unsupported. */
function interpolation(mode: string, transform: string, attr: Attrs, n: number, m: number, scale: number): number[] | undefined {
  const a = new Array<number>(m * n).fill(0);
  const clampIndex = (i: number) => Math.min(Math.max(i, 0), n - 1);
  for (let o = 0; o < m; o++) {
    const src = source(transform, o, n, m, scale);
    if (src === undefined) return undefined;
    if (mode === 'nearest') {
      const how = attr.string('nearest_mode', 'round_prefer_floor');
      const frac = src - Math.floor(src);
      const i =
        how === 'floor' ? Math.floor(src)
        : how === 'ceil' ? Math.ceil(src)
        : how === 'round_prefer_ceil' ? (frac === 0.5 ? Math.ceil(src) : Math.round(src))
        : frac === 0.5 ? Math.floor(src) : Math.round(src);
      a[o * n + clampIndex(i)] = 1;
    } else if (mode === 'linear') {
      const s = Math.min(Math.max(src, 0), n - 1);
      const i0 = Math.floor(s);
      const i1 = Math.min(i0 + 1, n - 1);
      const t = s - i0;
      a[o * n + i0]! += 1 - t;
      a[o * n + i1]! += t;
    } else if (mode === 'cubic') {
      const c = attr.float('cubic_coeff_a', -0.75);
      const exclude = attr.int('exclude_outside', 0) === 1;
      const i0 = Math.floor(src);
      const t = src - i0;
      const taps = [-1, 0, 1, 2].map((j) => ({ i: i0 + j, w: cubic(Math.abs(t - j), c) }));
      const kept = exclude ? taps.filter((p) => p.i >= 0 && p.i < n) : taps;
      const total = exclude ? kept.reduce((acc, p) => acc + p.w, 0) : 1;
      for (const p of kept) a[o * n + clampIndex(p.i)]! += p.w / total;
    } else return undefined;
  }
  return a;
}

/** Keys' cubic convolution kernel with parameter c at distance s. */
function cubic(s: number, c: number): number {
  if (s <= 1) return (c + 2) * s ** 3 - (c + 3) * s ** 2 + 1;
  if (s < 2) return c * s ** 3 - 5 * c * s ** 2 + 8 * c * s - 4 * c;
  return 0;
}
