/**
 * Pillow's `Image.resize` for 8-bit RGB, reproduced bit for bit (Pillow src/libImaging/
 * Resample.c, precompute_coeffs / normalize_coeffs_8bpc / ImagingResampleHorizontal_8bpc /
 * ImagingResampleVertical_8bpc; NEAREST goes through Geometry.c ImagingScaleAffine).
 *
 * The resize is separable, horizontal pass first. For output pixel o along an axis of n input
 * pixels resized to m, scale = n / m and the filter is stretched by max(scale, 1), so a
 * downscale averages over every input pixel it covers (antialiasing) instead of sampling a few:
 *   center = (o + 0.5) * scale,  support = filter.support * max(scale, 1)
 *   taps i in [trunc(center - support + 0.5), trunc(center + support + 0.5)) within [0, n)
 *   w_i = filter((i - center + 0.5) / max(scale, 1)), normalised to sum 1
 * Weights become 22-bit fixed point (rounded away from zero); each output is
 * (2^21 + sum(p_i * w_i)) >> 22 in integers, clamped to 0..255. Each pass thus rounds to
 * uint8, which is why a float pipeline (ONNX Resize) cannot match it exactly.
 */

export const PIL_FILTERS = ['bicubic', 'bilinear', 'lanczos', 'box', 'hamming', 'nearest'] as const;
export type PilFilter = (typeof PIL_FILTERS)[number];

/** PIL.Image.Resampling values, as `resample` is written in preprocessor_config.json. */
export const PIL_RESAMPLE_CODES: Record<number, PilFilter> = { 0: 'nearest', 1: 'lanczos', 2: 'bilinear', 3: 'bicubic', 4: 'box', 5: 'hamming' };

const sinc = (x: number) => {
  if (x === 0) return 1;
  x = x * Math.PI;
  return Math.sin(x) / x;
};

// Written in Pillow's operation order, so the doubles agree to the last bit before quantising.
const FILTERS: Record<Exclude<PilFilter, 'nearest'>, { support: number; f: (x: number) => number }> = {
  box: { support: 0.5, f: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, f: (x) => {
    if (x < 0) x = -x;
    return x < 1 ? 1 - x : 0;
  } },
  hamming: { support: 1, f: (x) => {
    if (x < 0) x = -x;
    if (x === 0) return 1;
    if (x >= 1) return 0;
    x = x * Math.PI;
    return (Math.sin(x) / x) * (0.54 + 0.46 * Math.cos(x));
  } },
  // Keys' cubic convolution with a = -0.5.
  bicubic: { support: 2, f: (x) => {
    const a = -0.5;
    if (x < 0) x = -x;
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  } },
  lanczos: { support: 3, f: (x) => (-3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

export const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
const TOP = 1 << (PRECISION_BITS + 8);

export interface Coefficients {
  /** Per output pixel: first input index, then tap count. */
  bounds: Int32Array;
  /** Fixed-point weights, `ksize` slots per output pixel. */
  weights: Int32Array;
  ksize: number;
}

export function precomputeCoefficients(inSize: number, outSize: number, filter: Exclude<PilFilter, 'nearest'>): Coefficients {
  const { support: base, f } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = base * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = f((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

// Images of one size arrive again and again (a camera, a dataset), so tables are kept per
// (filter, in, out); a handful of sizes covers a session, and the cap bounds memory.
const tables = new Map<string, Coefficients>();
function coefficients(inSize: number, outSize: number, filter: Exclude<PilFilter, 'nearest'>): Coefficients {
  const key = `${filter}:${inSize}:${outSize}`;
  let c = tables.get(key);
  if (!c) {
    if (tables.size >= 64) tables.clear();
    c = precomputeCoefficients(inSize, outSize, filter);
    tables.set(key, c);
  }
  return c;
}

const clip8 = (s: number) => (s <= 0 ? 0 : s >= TOP ? 255 : s >> PRECISION_BITS);

/** Rows r0..r1 of the image, columns c0..c0+cw of its horizontal resize to ow: [r1 - r0, cw, 3]. */
function horizontal(src: Uint8Array, w: number, r0: number, r1: number, c0: number, cw: number, c: Coefficients): Uint8Array {
  const { bounds, weights, ksize } = c;
  const out = new Uint8Array((r1 - r0) * cw * 3);
  let o = 0;
  for (let y = r0; y < r1; y++) {
    const row = y * w * 3;
    for (let xx = c0; xx < c0 + cw; xx++) {
      const n = bounds[xx * 2 + 1]!;
      const kb = xx * ksize;
      let p = row + bounds[xx * 2]! * 3;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let x = 0; x < n; x++, p += 3) {
        const k = weights[kb + x]!;
        s0 += src[p]! * k;
        s1 += src[p + 1]! * k;
        s2 += src[p + 2]! * k;
      }
      out[o++] = clip8(s0);
      out[o++] = clip8(s1);
      out[o++] = clip8(s2);
    }
  }
  return out;
}

/** Output rows t..t+rows of the vertical resize of `src`, whose first row is input row r0. */
function vertical(src: Uint8Array, w: number, r0: number, t: number, rows: number, c: Coefficients): Uint8Array {
  const { bounds, weights, ksize } = c;
  const stride = w * 3;
  const out = new Uint8Array(rows * stride);
  for (let yy = t; yy < t + rows; yy++) {
    const n = bounds[yy * 2 + 1]!;
    const first = (bounds[yy * 2]! - r0) * stride;
    const kb = yy * ksize;
    const o = (yy - t) * stride;
    // Four bytes at a time: one weight load serves four sums (about twice as fast in V8).
    let i = 0;
    for (; i + 3 < stride; i += 4) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let s3 = HALF;
      for (let y = 0, p = first + i; y < n; y++, p += stride) {
        const k = weights[kb + y]!;
        s0 += src[p]! * k;
        s1 += src[p + 1]! * k;
        s2 += src[p + 2]! * k;
        s3 += src[p + 3]! * k;
      }
      out[o + i] = clip8(s0);
      out[o + i + 1] = clip8(s1);
      out[o + i + 2] = clip8(s2);
      out[o + i + 3] = clip8(s3);
    }
    for (; i < stride; i++) {
      let s0 = HALF;
      for (let y = 0, p = first + i; y < n; y++, p += stride) s0 += src[p]! * weights[kb + y]!;
      out[o + i] = clip8(s0);
    }
  }
  return out;
}

/** Geometry.c ImagingScaleAffine: positions advance by repeated addition, as Pillow's do. */
function nearest(src: Uint8Array, h: number, w: number, oh: number, ow: number, win: Window): Uint8Array {
  const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
  const ax = w / ow;
  const ay = h / oh;
  const xin = new Int32Array(ow);
  let xo = ax * 0.5;
  for (let x = 0; x < ow; x++, xo += ax) xin[x] = Math.min(coord(xo), w - 1);
  const out = new Uint8Array(win.height * win.width * 3);
  let yo = ay * 0.5;
  let o = 0;
  for (let y = 0; y < win.top + win.height; y++, yo += ay) {
    if (y < win.top) continue;
    const row = Math.min(coord(yo), h - 1) * w * 3;
    for (let x = win.left; x < win.left + win.width; x++) {
      const p = row + xin[x]! * 3;
      out[o++] = src[p]!;
      out[o++] = src[p + 1]!;
      out[o++] = src[p + 2]!;
    }
  }
  return out;
}

/** A rectangle of the output image: rows top..top+height, columns left..left+width. */
export interface Window {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Resizes one interleaved RGB uint8 image [h, w, 3] to [oh, ow, 3] as Pillow does. With
 * `win`, only that part of the output is computed and returned ([win.height, win.width, 3]):
 * output pixels depend only on their own row's and column's taps, so a centre crop costs
 * only the pixels it keeps and still equals cropping Pillow's full result.
 */
export function resizeRgb8(src: Uint8Array, h: number, w: number, oh: number, ow: number, filter: PilFilter, win?: Window): Uint8Array {
  if (src.length !== h * w * 3) throw new Error(`resizeRgb8: expected ${h * w * 3} bytes for ${h}x${w} RGB, got ${src.length}`);
  const wn = win ?? { top: 0, left: 0, height: oh, width: ow };
  if (wn.top < 0 || wn.left < 0 || wn.height < 0 || wn.width < 0 || wn.top + wn.height > oh || wn.left + wn.width > ow) {
    throw new Error(`resizeRgb8: window ${JSON.stringify(wn)} is outside the ${oh}x${ow} output`);
  }
  if (filter === 'nearest' && (oh !== h || ow !== w)) return nearest(src, h, w, oh, ow, wn);
  const cv = oh !== h ? coefficients(h, oh, filter as Exclude<PilFilter, 'nearest'>) : null;
  // Input rows the vertical pass reads for the window's rows.
  let r0 = wn.top;
  let r1 = wn.top + wn.height;
  if (cv && wn.height > 0) {
    r0 = h;
    r1 = 0;
    for (let yy = wn.top; yy < wn.top + wn.height; yy++) {
      r0 = Math.min(r0, cv.bounds[yy * 2]!);
      r1 = Math.max(r1, cv.bounds[yy * 2]! + cv.bounds[yy * 2 + 1]!);
    }
  }
  let rows: Uint8Array;
  if (ow !== w) {
    rows = horizontal(src, w, r0, r1, wn.left, wn.width, coefficients(w, ow, filter as Exclude<PilFilter, 'nearest'>));
  } else {
    rows = new Uint8Array(Math.max(0, r1 - r0) * wn.width * 3);
    for (let y = r0; y < r1; y++) rows.set(src.subarray((y * w + wn.left) * 3, (y * w + wn.left + wn.width) * 3), (y - r0) * wn.width * 3);
  }
  return cv ? vertical(rows, wn.width, r0, wn.top, wn.height, cv) : rows;
}
