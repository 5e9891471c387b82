import { halfToFloat, type Tensor } from '@modalflow/core';

/** A tensor's elements as doubles (float16 decoded, int64 rounded to the nearest double), or null for strings. */
export function numericValues(t: Tensor): Float64Array | null {
  if (t.dtype === 'string') return null;
  const d = t.data;
  if (t.dtype === 'float16') return Float64Array.from(d as Uint16Array, halfToFloat);
  if (d instanceof BigInt64Array) return Float64Array.from(d, Number);
  return Float64Array.from(d as ArrayLike<number>);
}

export interface Stats {
  count: number;
  /** Elements that are neither NaN nor infinite; the other figures describe only these. */
  finite: number;
  nan: number;
  inf: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation, as numpy's default. */
  std: number;
}

export function tensorStats(values: ArrayLike<number>): Stats {
  let finite = 0;
  let nan = 0;
  let inf = 0;
  let min = Infinity;
  let max = -Infinity;
  // Welford's update keeps the variance accurate when the mean is large next to the spread.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    if (!Number.isFinite(v)) {
      inf++;
      continue;
    }
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
    const delta = v - mean;
    mean += delta / finite;
    m2 += delta * (v - mean);
  }
  if (!finite) return { count: values.length, finite, nan, inf, min: NaN, max: NaN, mean: NaN, std: NaN };
  return { count: values.length, finite, nan, inf, min, max, mean, std: Math.sqrt(m2 / finite) };
}

export interface Histogram {
  /** Left edge of the first bin and right edge of the last. */
  lo: number;
  hi: number;
  counts: number[];
}

/**
 * Equal-width bins over the finite values' range; the last bin includes its right edge, as
 * numpy.histogram. A constant tensor gets one bin of width 1 centred on its value.
 */
export function histogram(values: ArrayLike<number>, bins = 32): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { lo: 0, hi: 0, counts: [] };
  if (lo === hi) {
    let n = 0;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
    return { lo: lo - 0.5, hi: hi + 0.5, counts: [n] };
  }
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  return { lo, hi, counts };
}

/** Compact and exact enough to read: 4 significant digits, exponents for very small or large values. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** The first elements in memory order, as text: strings quoted, numbers formatted. */
export function firstValues(t: Tensor, n = 24): string[] {
  if (t.dtype === 'string') return (t.data as string[]).slice(0, n).map((s) => JSON.stringify(s));
  if (t.dtype === 'bool') return Array.from((t.data as Uint8Array).subarray(0, n), (v) => (v ? 'true' : 'false'));
  if (t.data instanceof BigInt64Array) return Array.from(t.data.subarray(0, n), String);
  const head = numericValues({ ...t, data: (t.data as Float32Array).subarray(0, n) } as Tensor)!;
  return Array.from(head, formatValue);
}
