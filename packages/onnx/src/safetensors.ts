import { ModalflowError, numel, type Location, type Tensor } from '@modalflow/core';
import { dataMatchesDType, fromLittleEndianBytes, toLittleEndianBytes, type NumericDType } from './le-bytes.ts';

/**
 * Reader and writer for the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length, a JSON header, then the tensors' bytes back to back.
 */

/** The reference implementation refuses larger headers; so do we, before decoding any JSON. */
export const MAX_HEADER_BYTES = 100_000_000;

const TO_CODE: Record<NumericDType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  int64: 'I64',
  int32: 'I32',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

// F64 is narrowed to float32 on reading (see WIDENED), because graph weights are float32.
const FROM_CODE = new Map<string, NumericDType>(
  Object.entries(TO_CODE).filter(([k]) => k !== 'float64').map(([k, v]) => [v, k as NumericDType]),
);

/** Formats read by widening to float32, since core has no bfloat16 or float64. */
const WIDENED: Record<string, number> = { BF16: 2, F64: 8 };

/** Element sizes of every dtype the format defines, so sizes are checked even for unread ones. */
const KNOWN_SIZES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
};

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  start: number;
  end: number;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function readSafetensors(bytes: Uint8Array, opts: { file?: string } = {}): SafetensorsFile {
  const file: Location = opts.file === undefined ? {} : { file: opts.file };
  const corrupt = (why: string) => new ModalflowError('SAFETENSORS_CORRUPT', why, file);
  if (!(bytes instanceof Uint8Array)) throw corrupt('expected the bytes of a .safetensors file');
  if (bytes.length < 8) throw corrupt(`the file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo;
  if (headerLen > bytes.length - 8) {
    throw corrupt(`the header claims ${headerLen} bytes but only ${bytes.length - 8} follow the length at byte 0`);
  }
  if (headerLen > MAX_HEADER_BYTES) throw corrupt(`the header is ${headerLen} bytes, over ${MAX_HEADER_BYTES}`);

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw corrupt(`the header (bytes 8..${8 + headerLen}) is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt('the header is not a JSON object');
  }

  const data = bytes.subarray(8 + headerLen);
  const metadata = readMetadata((header as Record<string, unknown>)['__metadata__'], corrupt);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, v]) => parseEntry(name, v, file));
  checkLayout(entries, data.length, file, corrupt);

  const tensors = new Map<string, Tensor>();
  for (const e of entries.sort((a, b) => byName(a.name, b.name))) {
    tensors.set(e.name, toTensor(e, data.subarray(e.start, e.end), file));
  }
  return { tensors, metadata };
}

function readMetadata(raw: unknown, corrupt: (why: string) => ModalflowError): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (raw === undefined) return metadata;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt('__metadata__ is not an object');
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw corrupt(`__metadata__ value "${k}" is not a string`);
    Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

function parseEntry(name: string, v: unknown, file: Location): Entry {
  const at: Location = { ...file, weight: name };
  const bad = (why: string) => new ModalflowError('SAFETENSORS_BAD_TENSOR', `tensor "${name}" ${why}`, at);
  if (typeof v !== 'object' || v === null) throw bad('has no {dtype, shape, data_offsets} entry');
  const { dtype, shape, data_offsets: offsets } = v as Record<string, unknown>;
  if (typeof dtype !== 'string') throw bad('has no dtype');
  if (!Array.isArray(shape)) throw bad('has no shape');
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw bad(`has shape [${shape.join(', ')}]; dims must be non-negative integers`);
    }
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    throw bad(`has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] byte offsets`);
  }
  const [start, end] = offsets as [number, number];
  if (end < start) throw bad(`has data_offsets [${start}, ${end}] that end before they begin`);
  return { name, dtype, shape: shape as number[], start, end };
}

/** Tensors must tile the data section exactly: no byte outside a tensor, none shared by two. */
function checkLayout(
  entries: Entry[],
  dataLength: number,
  file: Location,
  corrupt: (why: string) => ModalflowError,
): void {
  const bad = (e: Entry, why: string) =>
    new ModalflowError('SAFETENSORS_BAD_TENSOR', `tensor "${e.name}" ${why}`, { ...file, weight: e.name });
  const ordered = [...entries].sort((a, b) => a.start - b.start || a.end - b.end || byName(a.name, b.name));
  let cursor = 0;
  for (const e of ordered) {
    if (e.end > dataLength) {
      throw bad(e, `has data_offsets [${e.start}, ${e.end}] beyond the ${dataLength}-byte data section`);
    }
    if (e.start < cursor) throw bad(e, `has data_offsets [${e.start}, ${e.end}] overlapping the tensor before it`);
    if (e.start > cursor) throw bad(e, `starts at data byte ${e.start}, leaving a gap after byte ${cursor}`);
    cursor = e.end;
    const size = KNOWN_SIZES[e.dtype];
    if (size === undefined) continue;
    const want = numel(e.shape) * size;
    if (want !== e.end - e.start) {
      const shape = e.shape.join(', ');
      throw bad(e, `has shape [${shape}] of ${e.dtype} (${want} bytes) but ${e.end - e.start} bytes of data`);
    }
  }
  if (cursor !== dataLength) {
    const last = ordered[ordered.length - 1];
    if (!last) throw corrupt(`the file has ${dataLength} data bytes but no tensors`);
    throw bad(last, `ends at data byte ${cursor} but the data section has ${dataLength} bytes`);
  }
}

function toTensor(e: Entry, bytes: Uint8Array, file: Location): Tensor {
  const dtype = FROM_CODE.get(e.dtype);
  if (dtype) return fromLittleEndianBytes(dtype, e.shape, bytes);
  const width = WIDENED[e.dtype];
  if (width === undefined) {
    const supported = [...FROM_CODE.keys(), ...Object.keys(WIDENED)].join(', ');
    throw new ModalflowError(
      'SAFETENSORS_UNSUPPORTED_DTYPE',
      `tensor "${e.name}" has dtype ${e.dtype}; supported: ${supported}`,
      { ...file, weight: e.name },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / width);
  if (e.dtype === 'BF16') {
    for (let k = 0; k < out.length; k++) out[k] = bf16ToFloat(view.getUint16(k * 2, true));
  } else {
    for (let k = 0; k < out.length; k++) out[k] = view.getFloat64(k * 8, true);
  }
  return { dtype: 'float32', dims: e.shape, data: out };
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the top half of a float32, so widening is a 16-bit shift. */
function bf16ToFloat(bits: number): number {
  bf16Scratch.setUint32(0, bits << 16);
  return bf16Scratch.getFloat32(0);
}

/**
 * Serialises tensors in sorted name order, little-endian, with the JSON header padded with
 * spaces to a multiple of 8 bytes so the data section starts aligned.
 */
export function writeSafetensors(
  tensors: Record<string, Tensor> | Map<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const all = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  all.sort((a, b) => byName(a[0], b[0]));
  // Assembled field by field: JSON.stringify of one object would move integer-like names first.
  const fields: string[] = [];
  if (metadata && Object.keys(metadata).length) fields.push(`"__metadata__":${metadataJson(metadata)}`);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of all) {
    const bytes = tensorBytes(name, t);
    const end = offset + bytes.length;
    const entry = { dtype: TO_CODE[t.dtype as NumericDType], shape: t.dims, data_offsets: [offset, end] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.fill(0x20, 8, 8 + headerLen);
  out.set(json, 8);
  let pos = 8 + headerLen;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function metadataJson(metadata: Record<string, string>): string {
  const parts = Object.keys(metadata)
    .sort(byName)
    .map((k) => {
      const v = metadata[k];
      if (typeof v !== 'string') {
        throw new ModalflowError('SAFETENSORS_BAD_METADATA', `metadata value "${k}" must be a string`);
      }
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
  return `{${parts.join(',')}}`;
}

function tensorBytes(name: string, t: Tensor): Uint8Array {
  const at: Location = { weight: name };
  if (name === '__metadata__') {
    throw new ModalflowError('SAFETENSORS_BAD_TENSOR', 'a tensor cannot be named "__metadata__"', at);
  }
  if (t.dtype === 'string' || !(t.dtype in TO_CODE)) {
    const why = `tensor "${name}" has dtype ${t.dtype}, which safetensors cannot store`;
    throw new ModalflowError('SAFETENSORS_UNSUPPORTED_DTYPE', why, at);
  }
  const dimsOk = Array.isArray(t.dims) && t.dims.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!dimsOk || !dataMatchesDType(t.dtype, t.data) || t.data.length !== numel(t.dims)) {
    throw new ModalflowError(
      'SAFETENSORS_BAD_TENSOR',
      `tensor "${name}" has dims [${String(t.dims)}] and ${t.data?.length} ${t.dtype} values, which do not match`,
      at,
    );
  }
  return toLittleEndianBytes(t.dtype, t.data as Exclude<Tensor['data'], string[]>);
}
