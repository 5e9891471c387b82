import { ModalflowError, type DType, type Tensor } from '@modalflow/core';
import { floatToHalf, halfToFloat } from '@modalflow/core';

/** Deeper nesting is refused before it is walked: no model input has this many dimensions. */
export const MAX_RANK = 32;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const RANGES: Partial<Record<DType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
};

const index = (path: readonly number[]) => path.map((i) => `[${i}]`).join('');

/** Shape of a nested array, checking every level has the same length as the first. */
export function nestedShape(value: unknown, input: string): number[] {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (dims.length > MAX_RANK) throw fail(input, `the array is nested more than ${MAX_RANK} levels deep`);
    if (v.length === 0) break;
  }
  const where = (path: number[]) => index(path) || 'the top level';
  const like = (depth: number) => index(new Array<number>(depth).fill(0)) || 'the top level';
  const walk = (v: unknown, depth: number, path: number[]) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw fail(input, `ragged array: ${where(path)} is a list, but ${like(depth)} is a single value`);
      return;
    }
    if (!Array.isArray(v)) {
      throw fail(input, `ragged array: ${where(path)} is ${JSON.stringify(v)}, but ${like(depth)} is a list of ${dims[depth]}`);
    }
    if (v.length !== dims[depth]) {
      throw fail(input, `ragged array: ${where(path)} has ${v.length} items, but ${like(depth)} has ${dims[depth]}`);
    }
    v.forEach((x, i) => walk(x, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return dims;
}

function fail(input: string, message: string): ModalflowError {
  return new ModalflowError('MF_BAD_INPUT', `input "${input}": ${message}`, { node: input });
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
 * Turns a JSON value (a number, boolean, string or rectangular nested array of them) into a
 * tensor of the dtype the graph expects, refusing values that dtype cannot hold exactly.
 */
export function jsonToTensor(value: unknown, dtype: DType, input: string): Tensor {
  const dims = nestedShape(value, input);
  const items = leaves(value, dims.length);
  const wrong = (x: { v: unknown; path: number[] }, need: string) =>
    fail(input, `the value at ${index(x.path) || 'the top level'} is ${JSON.stringify(x.v)}, but the input is ${dtype} (needs ${need})`);
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
      return { dtype, dims, data: Float64Array.from(numbers('a number', () => true)) };
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
            // Integers beyond 2^53 lose precision as JSON numbers; a digit string keeps them exact.
            const v = typeof x.v === 'string' && /^-?\d{1,25}$/.test(x.v) ? BigInt(x.v) : typeof x.v === 'number' && Number.isSafeInteger(x.v) ? BigInt(x.v) : undefined;
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
