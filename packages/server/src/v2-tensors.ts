import { halfToFloat, numel, typedArrayOver, type DType, type Tensor, type TensorData } from '@modalflow/core';
import type { PlanInput } from '@modalflow/compiler';
import { decodeImage, jsonInputToTensor } from '@modalflow/node-io';
import { ELEMENT_BYTES, fromV2Datatype, toV2Datatype, type V2Datatype } from './datatypes.ts';
import { HttpError } from './http-error.ts';

/** One tensor of a v2 request; `data` is absent when it travels in the binary part. */
export interface V2RequestTensor {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: { binary_data_size?: number; [k: string]: unknown };
  data?: unknown;
}

export interface V2ResponseTensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size: number };
}

const bad = (input: string, message: string, code = 'MF_BAD_INPUT') => new HttpError(400, code, `input "${input}": ${message}`, { node: input });

function checkShape(input: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(input, `"shape" must be a list of non-negative whole numbers, got ${JSON.stringify(shape)}`);
  }
  return shape as number[];
}

function flatten(data: unknown): unknown[] {
  return Array.isArray(data) ? (data as unknown[]).flat(Infinity) : [data];
}

/** BYTES elements in the binary extension: each a 4-byte little-endian length, then the bytes. */
export function splitBytesElements(bytes: Uint8Array, input: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.length; ) {
    if (at + 4 > bytes.length) throw bad(input, 'the BYTES data ends inside an element length');
    const n = view.getUint32(at, true);
    at += 4;
    if (at + n > bytes.length) throw bad(input, `a BYTES element says it has ${n} bytes, but only ${bytes.length - at} remain`);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

function base64Bytes(input: string, v: unknown, i: number): Uint8Array {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw bad(input, `element ${i} must be a base64 string of an encoded PNG or JPEG`);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

/** Encoded pictures, one per element, become one uint8 [N, H, W, 3] batch. */
function imagesTensor(input: string, images: Uint8Array[], maxPixels: number | undefined): Tensor {
  if (images.length === 0) throw bad(input, 'no image was given');
  const decoded = images.map((bytes, i) => {
    try {
      return decodeImage(bytes, undefined, maxPixels === undefined ? {} : { maxPixels });
    } catch (e) {
      throw bad(input, `image ${i}: ${(e as Error).message.replace(/^MF_[A-Z_]+: /, '')}`, (e as { code?: string }).code ?? 'MF_BAD_IMAGE');
    }
  });
  const [, h, w] = decoded[0]!.dims as [number, number, number];
  const data = new Uint8Array(decoded.length * h * w * 3);
  decoded.forEach((t, i) => {
    if (t.dims[1] !== h || t.dims[2] !== w) throw bad(input, `image ${i} is ${t.dims[2]} x ${t.dims[1]} pixels, but image 0 is ${w} x ${h}; a batch needs one size`);
    data.set(t.data as Uint8Array, i * h * w * 3);
  });
  return { dtype: 'uint8', dims: [decoded.length, h, w, 3], data };
}

export interface DecodeOptions {
  /** The binary part of the request that this input's data is in, when it is there. */
  binary?: Uint8Array;
  maxImagePixels?: number;
}

/**
 * Turns one request tensor into the tensor the graph's input expects. Nothing here touches the
 * file system: a string is text or the bytes of a picture, never a path to read.
 */
export function decodeRequestTensor(t: V2RequestTensor, spec: PlanInput, options: DecodeOptions = {}): Tensor {
  const input = spec.name;
  const shape = checkShape(input, t.shape);
  const count = numel(shape);
  const datatype = t.datatype;
  if (datatype === 'BYTES') {
    const elements: Uint8Array[] | string[] = options.binary
      ? splitBytesElements(options.binary, input)
      : spec.dtype === 'string'
        ? flatten(t.data).map((v, i) => {
            if (typeof v !== 'string') throw bad(input, `element ${i} is ${JSON.stringify(v)}, but BYTES data in JSON must be strings`);
            return v;
          })
        : flatten(t.data).map((v, i) => base64Bytes(input, v, i));
    if (elements.length !== count) throw bad(input, `shape ${JSON.stringify(shape)} holds ${count} elements, but ${elements.length} were given`, 'MF_INPUT_SHAPE');
    if (spec.dtype === 'string') {
      const text = elements.map((e, i) => {
        if (typeof e === 'string') return e;
        try {
          return new TextDecoder('utf-8', { fatal: true }).decode(e);
        } catch {
          throw bad(input, `element ${i} is not UTF-8 text`);
        }
      });
      return { dtype: 'string', dims: shape, data: text };
    }
    if (spec.kind === 'image') return imagesTensor(input, elements as Uint8Array[], options.maxImagePixels);
    throw bad(input, `the input is ${toV2Datatype(spec.dtype)}, not BYTES`, 'MF_INPUT_DTYPE');
  }
  const dtype = fromV2Datatype(datatype);
  if (dtype === undefined) throw bad(input, `unknown datatype "${datatype}"`, 'MF_INPUT_DTYPE');
  if (dtype !== spec.dtype) {
    const also = spec.kind === 'image' ? ' (or BYTES holding encoded PNG/JPEG pictures)' : '';
    throw bad(input, `the input is ${toV2Datatype(spec.dtype)}${also}, but ${datatype} was given`, 'MF_INPUT_DTYPE');
  }
  if (options.binary) {
    const size = ELEMENT_BYTES[datatype as Exclude<V2Datatype, 'BYTES'>];
    if (options.binary.length !== count * size) {
      throw bad(input, `shape ${JSON.stringify(shape)} of ${datatype} needs ${count * size} bytes, but binary_data_size is ${options.binary.length}`, 'MF_INPUT_SHAPE');
    }
    // Copied so the typed array is aligned and does not keep the whole request alive.
    const buffer = Uint8Array.prototype.slice.call(options.binary).buffer;
    // BYTES returned above, so the dtype here has a typed array.
    return { dtype, dims: shape, data: typedArrayOver(dtype as Exclude<DType, 'string'>, buffer) };
  }
  if (t.data === undefined) throw bad(input, 'has neither "data" nor parameters.binary_data_size');
  const flat = flatten(t.data);
  if (flat.length !== count) throw bad(input, `shape ${JSON.stringify(shape)} holds ${count} elements, but ${flat.length} were given`, 'MF_INPUT_SHAPE');
  const values = jsonInputToTensor(flat, dtype, input);
  return { dtype, dims: shape, data: values.data };
}

function jsonData(t: Tensor): unknown[] {
  switch (t.dtype) {
    case 'string':
      return t.data as string[];
    case 'float16':
      return Array.from(t.data as Uint16Array, halfToFloat);
    case 'int64':
      return Array.from(t.data as BigInt64Array, Number);
    case 'bool':
      return Array.from(t.data as Uint8Array, (v) => v !== 0);
    default:
      return Array.from(t.data as ArrayLike<number>);
  }
}

function binaryData(t: Tensor): Uint8Array {
  if (t.dtype === 'string') {
    const parts = (t.data as string[]).map((s) => new TextEncoder().encode(s));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
    const view = new DataView(out.buffer);
    let at = 0;
    for (const p of parts) {
      view.setUint32(at, p.length, true);
      out.set(p, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  const d = t.data as Exclude<TensorData, string[]>;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** An output tensor as the v2 response carries it, in JSON or in the binary part. */
export function encodeResponseTensor(name: string, t: Tensor, binary: boolean): { tensor: V2ResponseTensor; bytes?: Uint8Array } {
  const base = { name, datatype: toV2Datatype(t.dtype), shape: [...t.dims] };
  if (!binary) return { tensor: { ...base, data: jsonData(t) } };
  const bytes = binaryData(t);
  return { tensor: { ...base, parameters: { binary_data_size: bytes.length } }, bytes };
}
