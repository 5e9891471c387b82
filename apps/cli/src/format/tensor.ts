import { formatShape, numel, type Tensor } from '@modalflow/core';
import { halfToFloat } from '@modalflow/core';

export interface TensorFormatOptions {
  /** Above this many elements, each axis shows only its first and last `edge` items. */
  threshold?: number;
  edge?: number;
  /** Decimals of fixed notation, or significant digits after the point in exponent notation. */
  digits?: number;
}

/** The element at flat index `i` as a number, bigint, boolean or string. */
function element(t: Tensor, i: number): number | bigint | boolean | string {
  const v = t.data[i]!;
  if (t.dtype === 'bool') return v !== 0;
  if (t.dtype === 'float16') return halfToFloat(v as number);
  return v;
}

/** Flat indices shown for a tensor, with null marking an elided run. */
function shownIndices(dims: readonly number[], truncate: boolean, edge: number): (number | null)[][] {
  return dims.map((d) => {
    if (!truncate || d <= 2 * edge + 1) return Array.from({ length: d }, (_, i) => i);
    return [...Array.from({ length: edge }, (_, i) => i), null, ...Array.from({ length: edge }, (_, i) => d - edge + i)];
  });
}

function floatFormatter(values: number[], digits: number): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs);
  const max = Math.max(0, ...abs);
  const minNonZero = Math.min(Infinity, ...abs.filter((v) => v > 0));
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (finite.every((v) => Number.isInteger(v)) && max < 1e6) {
    return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  }
  if (max >= 1e6 || minNonZero < 10 ** -digits) {
    return (v) => (Number.isFinite(v) ? v.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(digits) : special(v));
}

/**
 * Formats values the way NumPy prints arrays: nested brackets, one row per last-axis line,
 * columns right-aligned, and long axes shortened to their ends around "…".
 */
export function formatValues(t: Tensor, options: TensorFormatOptions = {}): string {
  const { threshold = 100, edge = 3, digits = 4 } = options;
  const dims = t.dims;
  const n = numel(dims);
  if (n === 0) return '[]';
  const indices = shownIndices(dims, n > threshold, edge);
  const strides = dims.map((_, i) => numel(dims.slice(i + 1)));

  const shownFlat: number[] = [];
  const collect = (axis: number, offset: number) => {
    if (axis === dims.length) return void shownFlat.push(offset);
    for (const i of indices[axis]!) if (i !== null) collect(axis + 1, offset + i * strides[axis]!);
  };
  collect(0, 0);
  const raw = shownFlat.map((i) => element(t, i));
  let str: (v: number | bigint | boolean | string) => string;
  if (t.dtype === 'float32' || t.dtype === 'float16') {
    const f = floatFormatter(raw as number[], digits);
    str = (v) => f(v as number);
  } else if (t.dtype === 'string') {
    str = (v) => JSON.stringify(v);
  } else {
    str = (v) => String(v);
  }
  const cells = new Map(shownFlat.map((flat, k) => [flat, str(raw[k]!)]));
  const width = Math.max(...[...cells.values()].map((s) => [...s].length));
  const pad = (s: string) => (t.dtype === 'string' ? s : ' '.repeat(width - [...s].length) + s);

  const build = (axis: number, offset: number, indent: string): string => {
    if (axis === dims.length) return pad(cells.get(offset)!);
    const last = axis === dims.length - 1;
    const parts = indices[axis]!.map((i) => (i === null ? '…' : build(axis + 1, offset + i * strides[axis]!, indent + ' ')));
    const sep = last ? ', ' : ',' + '\n'.repeat(dims.length - axis - 1) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  return build(0, 0, '');
}

/** `name: float32 2×10` followed by the values, indented. */
export function formatTensorBlock(name: string, t: Tensor, options?: TensorFormatOptions): string {
  const head = `${name}: ${t.dtype} ${formatShape(t.dims)}`;
  const body = formatValues(t, options)
    .split('\n')
    .map((l) => (l ? '  ' + l : l))
    .join('\n');
  return `${head}\n${body}`;
}

/** Shortest decimal that reads back as the same float32, so JSON shows 0.1 rather than 0.10000000149. */
function shortestFloat32(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const r = Number(v.toPrecision(p));
    if (Math.fround(r) === v) return r;
  }
  return v;
}

export type JsonValue = number | string | boolean | null;

/** A JSON-safe copy of a tensor: flat `data` in C order beside `shape`. */
export function tensorToJson(t: Tensor): { dtype: string; shape: number[]; data: JsonValue[] } {
  const n = t.data.length;
  const data: JsonValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = element(t, i);
    if (typeof v === 'bigint') data[i] = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v);
    else if (typeof v === 'number' && !Number.isFinite(v)) data[i] = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    else if (typeof v === 'number' && t.dtype === 'float32') data[i] = shortestFloat32(v);
    else data[i] = v;
  }
  return { dtype: t.dtype, shape: [...t.dims], data };
}
