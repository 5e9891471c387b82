import { floatToHalf, type DType, type Tensor } from '@modalflow/core';

const RANGES: Partial<Record<DType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
};

/** A value that cannot become the wanted tensor; `ragged` separates shape faults from type faults. */
export class ValueError extends Error {
  constructor(
    message: string,
    readonly ragged = false,
  ) {
    super(message);
  }
}

/** Keyed by name so float64 is used where core's DType has it, without requiring it. */
export const FLOATS: Partial<Record<string, Float32ArrayConstructor | Float64ArrayConstructor>> = {
  float32: Float32Array,
  float64: Float64Array,
};

const index = (path: readonly number[]) => path.map((i) => `[${i}]`).join('') || 'the top level';

/** Shape of a nested array, requiring every list at one depth to have the first one's length. */
export function nestedShape(value: unknown): number[] {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (v.length === 0) break;
  }
  const like = (depth: number) => index(new Array<number>(depth).fill(0));
  const walk = (v: unknown, depth: number, path: number[]) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw new ValueError(`ragged array: ${index(path)} is a list, but ${like(depth)} is a single value`, true);
      return;
    }
    if (!Array.isArray(v)) {
      throw new ValueError(`ragged array: ${index(path)} is ${JSON.stringify(v)}, but ${like(depth)} is a list of ${dims[depth]}`, true);
    }
    if (v.length !== dims[depth]) {
      throw new ValueError(`ragged array: ${index(path)} has ${v.length} items, but ${like(depth)} has ${dims[depth]}`, true);
    }
    v.forEach((x, i) => walk(x, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return dims;
}

function leaves(value: unknown, rank: number): { v: unknown; path: number[] }[] {
  const out: { v: unknown; path: number[] }[] = [];
  const walk = (v: unknown, depth: number, path: number[]) => {
    if (depth === rank) out.push({ v, path });
    else (v as unknown[]).forEach((x, i) => walk(x, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return out;
}

/**
 * Turns a number, boolean or rectangular nested array into a tensor of `dtype`, refusing
 * values that dtype cannot hold exactly (a fraction for an integer input, 300 for uint8).
 */
export function jsonToTensor(value: unknown, dtype: DType): Tensor {
  const dims = nestedShape(value);
  const items = leaves(value, dims.length);
  const wrong = (x: { v: unknown; path: number[] }, need: string) =>
    new ValueError(`the value at ${index(x.path)} is ${show(x.v)}, but the input is ${dtype} (needs ${need})`);
  const numbers = (need: string, ok: (v: number) => boolean) =>
    items.map((x) => {
      if (typeof x.v !== 'number' || !ok(x.v)) throw wrong(x, need);
      return x.v;
    });
  const Float = FLOATS[dtype];
  if (Float) return { dtype, dims, data: Float.from(numbers('a number', Number.isFinite)) as Tensor['data'] };
  switch (dtype) {
    case 'float16':
      return { dtype, dims, data: Uint16Array.from(numbers('a number', Number.isFinite), floatToHalf) };
    case 'int32':
    case 'int8':
    case 'uint8': {
      const [lo, hi] = RANGES[dtype]!;
      const data = numbers(`an integer in [${lo}, ${hi}]`, (v) => Number.isInteger(v) && v >= lo && v <= hi);
      const Ctor = dtype === 'int32' ? Int32Array : dtype === 'int8' ? Int8Array : Uint8Array;
      return { dtype, dims, data: Ctor.from(data) };
    }
    case 'int64':
      return {
        dtype,
        dims,
        data: BigInt64Array.from(
          items.map((x) => {
            if (typeof x.v === 'bigint') return x.v;
            // Ids beyond 2^53 lose precision as JSON numbers; a digit string keeps them exact.
            if (typeof x.v === 'string' && /^-?\d+$/.test(x.v)) return BigInt(x.v);
            if (typeof x.v !== 'number' || !Number.isSafeInteger(x.v)) throw wrong(x, 'an integer');
            return BigInt(x.v);
          }),
        ),
      };
    case 'bool':
      return {
        dtype,
        dims,
        data: Uint8Array.from(
          items.map((x) => {
            if (x.v === true || x.v === 1) return 1;
            if (x.v === false || x.v === 0) return 0;
            throw wrong(x, 'true/false or 1/0');
          }),
        ),
      };
    case 'string':
      return {
        dtype,
        dims,
        data: items.map((x) => {
          if (typeof x.v !== 'string') throw wrong(x, 'a string');
          return x.v;
        }),
      };
  }
  throw new ValueError(`unsupported dtype ${String(dtype)}`);
}

export function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
