import { ModalflowError, type Tensor } from '@modalflow/core';
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors.ts';

/** Assembles a file from a header and data section, as another writer might have produced it. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  bytes[at] = value;
  return bytes;
}

function errorOf(fn: () => unknown): ModalflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModalflowError) return e;
    throw e;
  }
  throw new Error('expected a ModalflowError');
}

const SAMPLE: Record<string, Tensor> = {
  'layer.1.weight': { dtype: 'float32', dims: [2, 3], data: Float32Array.of(0, 1.5, -2, 3.25, 1e-8, -0) },
  'layer.0.bias': { dtype: 'float16', dims: [3], data: Uint16Array.of(0x3c00, 0x0000, 0xbc00) },
  ids: { dtype: 'int64', dims: [2], data: BigInt64Array.of(-1n, 2n ** 62n) },
  counts: { dtype: 'int32', dims: [1, 1], data: Int32Array.of(-123456) },
  signed: { dtype: 'int8', dims: [2], data: Int8Array.of(-128, 127) },
  bytes: { dtype: 'uint8', dims: [3], data: Uint8Array.of(0, 128, 255) },
  mask: { dtype: 'bool', dims: [3], data: Uint8Array.of(1, 0, 1) },
  scalar: { dtype: 'float32', dims: [], data: Float32Array.of(7) },
  nothing: { dtype: 'float32', dims: [0, 4], data: new Float32Array(0) },
};

describe('writeSafetensors / readSafetensors', () => {
  it('round-trips every supported dtype with metadata', () => {
    const bytes = writeSafetensors(SAMPLE, { format: 'pt', note: 'ünïcode' });
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcode' });
    expect([...tensors.keys()]).toEqual(Object.keys(SAMPLE).sort());
    for (const [name, t] of Object.entries(SAMPLE)) expect(tensors.get(name)).toEqual(t);
  });

  it('accepts a Map and gives the same bytes as a record, whatever the order', () => {
    const reversed = new Map(Object.entries(SAMPLE).reverse());
    expect(Buffer.from(writeSafetensors(reversed, { b: '2', a: '1' })).equals(Buffer.from(writeSafetensors(SAMPLE, { a: '1', b: '2' })))).toBe(true);
  });

  it('follows the format: u64 header size, space-padded JSON, data in sorted name order', () => {
    const bytes = writeSafetensors(
      {
        b: { dtype: 'int32', dims: [1], data: Int32Array.of(0x01020304) },
        a: { dtype: 'uint8', dims: [2], data: Uint8Array.of(9, 8) },
        '10': { dtype: 'uint8', dims: [1], data: Uint8Array.of(7) },
      },
      { k: 'v' },
    );
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},' +
        '"10":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},' +
        '"a":{"dtype":"U8","shape":[2],"data_offsets":[1,3]},' +
        '"b":{"dtype":"I32","shape":[1],"data_offsets":[3,7]}}',
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    expect([...bytes.subarray(8 + n)]).toEqual([7, 9, 8, 4, 3, 2, 1]);
  });

  it('writes an empty file as just a header', () => {
    const bytes = writeSafetensors({});
    expect(new TextDecoder().decode(bytes.subarray(8)).trim()).toBe('{}');
    expect(readSafetensors(bytes)).toEqual({ tensors: new Map(), metadata: {} });
  });

  it('reads BF16 and F64 by widening to float32', () => {
    const bf16 = new Uint8Array(new Uint16Array([0x3fc0, 0xc000, 0x7f80]).buffer);
    const f64 = new Uint8Array(Float64Array.of(0.1, -3).buffer);
    const data = new Uint8Array(bf16.length + f64.length);
    data.set(bf16);
    data.set(f64, bf16.length);
    const file = craft(
      {
        b: { dtype: 'BF16', shape: [3], data_offsets: [0, 6] },
        d: { dtype: 'F64', shape: [2], data_offsets: [6, 22] },
      },
      data,
    );
    const { tensors } = readSafetensors(file);
    expect(tensors.get('b')).toEqual({ dtype: 'float32', dims: [3], data: Float32Array.of(1.5, -2, Infinity) });
    expect(tensors.get('d')).toEqual({ dtype: 'float32', dims: [2], data: Float32Array.of(0.1, -3) });
  });

  it('reads tensors at unaligned offsets in any header order', () => {
    const data = Uint8Array.of(5, 0, 0, 128, 63);
    const file = craft(
      {
        f: { dtype: 'F32', shape: [1], data_offsets: [1, 5] },
        u: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
      },
      data,
    );
    const { tensors } = readSafetensors(file);
    expect(tensors.get('f')!.data).toEqual(Float32Array.of(1));
    expect(tensors.get('u')!.data).toEqual(Uint8Array.of(5));
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['too short', new Uint8Array(7), /7 bytes, too short/],
    ['header length beyond the file', craft('{}', new Uint8Array(0), 100n), /claims 100 bytes but only 2 follow/],
    ['header length over 2^53', craft('{}', new Uint8Array(0), 2n ** 63n), /claims \d+ bytes/],
    ['invalid JSON', craft('{"a": '), /not valid UTF-8 JSON/],
    ['invalid UTF-8', withByte(craft('{"a":{}}'), 10, 0xff), /not valid UTF-8 JSON/],
    ['a JSON array', craft([]), /not a JSON object/],
    ['a non-string metadata value', craft({ __metadata__: { a: 1 } }), /__metadata__ value "a" is not a string/],
    ['data but no tensors', craft({}, new Uint8Array(3)), /3 data bytes but no tensors/],
  ])('reports a file that is %s as SAFETENSORS_CORRUPT', (_, bytes, message) => {
    const e = errorOf(() => readSafetensors(bytes, { file: 'model.safetensors' }));
    expect(e.code).toBe('SAFETENSORS_CORRUPT');
    expect(e.message).toMatch(message);
    expect(e.message).toContain('model.safetensors');
  });

  it.each<[string, unknown, number, RegExp]>([
    ['offsets out of range', { w: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, 2, /beyond the 2-byte data section/],
    ['overlapping', { w: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, x: { dtype: 'U8', shape: [2], data_offsets: [1, 3] } }, 3, /"x" has data_offsets \[1, 3\] overlapping/],
    ['leaving a gap', { w: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, x: { dtype: 'U8', shape: [1], data_offsets: [2, 3] } }, 3, /"x" starts at data byte 2, leaving a gap after byte 1/],
    ['leaving trailing bytes', { w: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, 4, /"w" ends at data byte 1 but the data section has 4 bytes/],
    ['size not matching shape', { w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4, /shape \[2\] of F32 \(8 bytes\) but 4 bytes/],
    ['negative dims', { w: { dtype: 'U8', shape: [-1], data_offsets: [0, 0] } }, 0, /dims must be non-negative/],
    ['fractional dims', { w: { dtype: 'U8', shape: [1.5], data_offsets: [0, 0] } }, 0, /dims must be non-negative/],
    ['reversed offsets', { w: { dtype: 'U8', shape: [0], data_offsets: [2, 1] } }, 2, /end before they begin/],
    ['malformed offsets', { w: { dtype: 'U8', shape: [0], data_offsets: [0] } }, 0, /expected \[begin, end\]/],
    ['no dtype', { w: { shape: [0], data_offsets: [0, 0] } }, 0, /has no dtype/],
    ['not an object', { w: 3 }, 0, /has no \{dtype, shape, data_offsets\} entry/],
  ])('reports a tensor %s as SAFETENSORS_BAD_TENSOR naming it', (_, header, dataLength, message) => {
    const e = errorOf(() => readSafetensors(craft(header, new Uint8Array(dataLength)), { file: 'x.safetensors' }));
    expect(e.code).toBe('SAFETENSORS_BAD_TENSOR');
    expect(e.message).toMatch(message);
    expect(e.at.weight).toMatch(/^[wx]$/);
    expect(e.at.file).toBe('x.safetensors');
  });

  it('reports dtypes it cannot read as SAFETENSORS_UNSUPPORTED_DTYPE', () => {
    const file = craft({ q: { dtype: 'I16', shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2));
    const e = errorOf(() => readSafetensors(file));
    expect(e.code).toBe('SAFETENSORS_UNSUPPORTED_DTYPE');
    expect(e.message).toContain('tensor "q" has dtype I16');
    const strings = { s: { dtype: 'string', dims: [1], data: ['a'] } } as Record<string, Tensor>;
    expect(errorOf(() => writeSafetensors(strings)).code).toBe('SAFETENSORS_UNSUPPORTED_DTYPE');
  });

  it('refuses to write tensors whose data does not match their dims', () => {
    const e = errorOf(() => writeSafetensors({ w: { dtype: 'float32', dims: [3], data: new Float32Array(2) } }));
    expect(e.code).toBe('SAFETENSORS_BAD_TENSOR');
    expect(e.at.weight).toBe('w');
    expect(errorOf(() => writeSafetensors({ __metadata__: SAMPLE.scalar! })).code).toBe('SAFETENSORS_BAD_TENSOR');
  });
});
