import { ModalflowError, floatToHalf, halfToFloat, type DType, type Tensor } from '@modalflow/core';

/** Deeper nesting is refused before it is walked: no model input has this many dimensions. */
export const MAX_RANK = 32;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

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
    if (dims.length > MAX_RANK) throw new ValueError(`the array is nested more than ${MAX_RANK} levels deep`, true);
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
  switch (dtype) {
    // Beyond the dtype's range a number would silently become infinite.
    case 'float32':
      return { dtype, dims, data: Float32Array.from(numbers('a number within float32 range', (v) => Number.isFinite(Math.fround(v)))) };
    case 'float64':
      return { dtype, dims, data: Float64Array.from(numbers('a number', Number.isFinite)) };
    case 'float16':
      return { dtype, dims, data: Uint16Array.from(numbers('a number within float16 range', (v) => Number.isFinite(halfToFloat(floatToHalf(v)))), floatToHalf) };
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
            // Ids beyond 2^53 lose precision as JSON numbers; a digit string keeps them exact.
            const v =
              typeof x.v === 'bigint' ? x.v
              : typeof x.v === 'string' && /^-?\d{1,25}$/.test(x.v) ? BigInt(x.v)
              : typeof x.v === 'number' && Number.isSafeInteger(x.v) ? BigInt(x.v)
              : undefined;
            if (v === undefined || v < INT64_MIN || v > INT64_MAX) throw wrong(x, 'an integer in int64 range');
            return v;
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

/** A graph input's value given as JSON: faults become MF_BAD_INPUT naming the input. */
export function jsonInputToTensor(value: unknown, dtype: DType, input: string): Tensor {
  try {
    return jsonToTensor(value, dtype);
  } catch (e) {
    if (e instanceof ValueError) throw new ModalflowError('MF_BAD_INPUT', `input "${input}": ${e.message}`, { node: input });
    throw e;
  }
}

/** Parses JSON text given for an input, naming the input when it is not valid JSON. */
export function parseJsonValue(text: string, input: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModalflowError('MF_BAD_INPUT', `input "${input}": not valid JSON: ${(e as Error).message}`, {
      node: input,
      ...(file === undefined ? {} : { file }),
    });
  }
}
