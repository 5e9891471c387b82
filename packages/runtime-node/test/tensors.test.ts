import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { createNodeRuntime, fromOrtTensor, toOrtTensor } from '../src/index.ts';
import { ALL_DTYPES, dtypeMathModel, int16OutputModel, identityModel } from './fixtures/models.ts';

function sample(dtype: Tensor['dtype']): Tensor {
  switch (dtype) {
    case 'float32':
      return { dtype, dims: [3], data: new Float32Array([1.5, -2, 3.25]) };
    case 'float64':
      return { dtype, dims: [3], data: new Float64Array([1.5, -2, 1e300]) };
    case 'float16':
      return { dtype, dims: [3], data: new Uint16Array([0x3c00, 0xc000, 0x7bff]) }; // 1, -2, 65504
    case 'int64':
      return { dtype, dims: [3], data: new BigInt64Array([1n, -(2n ** 62n), 2n ** 62n]) };
    case 'int32':
      return { dtype, dims: [3], data: new Int32Array([1, -2, 2 ** 31 - 1]) };
    case 'int8':
      return { dtype, dims: [3], data: new Int8Array([1, -128, 127]) };
    case 'uint8':
      return { dtype, dims: [3], data: new Uint8Array([0, 128, 255]) };
    case 'bool':
      return { dtype, dims: [3], data: new Uint8Array([1, 0, 1]) };
    case 'string':
      return { dtype, dims: [3], data: ['a', '', 'größe ✓'] };
  }
}

describe('tensor conversion', () => {
  it.each(ALL_DTYPES)('wraps a %s tensor for ORT without copying, and back', (dtype) => {
    const t = sample(dtype);
    const o = toOrtTensor(t);
    expect(o.type).toBe(dtype);
    expect(o.dims).toEqual(t.dims);
    expect(o.data).toBe(t.data);
    const back = fromOrtTensor(o);
    expect(back).not.toBeTypeOf('string');
    expect((back as Tensor).data).toBe(t.data);
    expect((back as Tensor).dtype).toBe(dtype);
  });

  it('keeps views into a larger buffer intact', async () => {
    const big = new Float32Array([9, 9, 1, 2, 3, 4, 9]);
    const view = big.subarray(2, 6);
    const o = toOrtTensor({ dtype: 'float32', dims: [1, 4], data: view });
    expect(o.data).toBe(view);
  });

  it('reports ORT element types core cannot carry instead of converting them', () => {
    const t = new ort.Tensor('int16', new Int16Array([1, 2]), [2]);
    expect(fromOrtTensor(t)).toMatch(/int16 has no ModalFlow dtype/);
  });

  it('rejects data in the wrong array class with a precise message', () => {
    expect(() => toOrtTensor({ dtype: 'int64', dims: [2], data: new Int32Array(2) })).toThrow(
      /int64 tensor needs a BigInt64Array, got Int32Array/,
    );
    expect(() => toOrtTensor({ dtype: 'float32', dims: [3], data: new Float32Array(2) })).toThrow(/need 3 values, got 2/);
  });
});

describe('every dtype through a CPU session', () => {
  const rt = createNodeRuntime({ providers: ['cpu'] });

  it('round-trips every dtype through Identity nodes', async () => {
    const s = await rt.createSession(identityModel(), { label: 'identities' });
    const feeds: Record<string, Tensor> = {};
    for (const dt of ALL_DTYPES) feeds[`${dt}_in`] = sample(dt);
    const out = await s.run(feeds);
    for (const dt of ALL_DTYPES) {
      const got = out[`${dt}_out`]!;
      const want = sample(dt);
      expect(got.dtype, dt).toBe(dt);
      expect(got.dims, dt).toEqual([3]);
      expect(got.data.constructor, dt).toBe(want.data.constructor);
      expect(Array.from(got.data as ArrayLike<unknown>), dt).toEqual(Array.from(want.data as ArrayLike<unknown>));
    }
    await s.release();
  });

  it('interprets float16 bits, bool bytes and int64 values correctly', async () => {
    const s = await rt.createSession(dtypeMathModel(), { label: 'dtype-math' });
    const out = await s.run({
      h: sample('float16'),
      b: sample('bool'),
      a: { dtype: 'int64', dims: [3], data: new BigInt64Array([-1n, 0n, 2n ** 62n]) },
      f: { dtype: 'float32', dims: [3], data: new Float32Array([1, -2, 0.5]) },
    });
    expect(Array.from(out.h_as_f32!.data as Float32Array)).toEqual([1, -2, 65504]);
    expect(out.not_b!.dtype).toBe('bool');
    expect(out.not_b!.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.not_b!.data as Uint8Array)).toEqual([0, 1, 0]);
    expect(Array.from(out.a_plus_1!.data as BigInt64Array)).toEqual([0n, 1n, 2n ** 62n + 1n]);
    expect(out.f_as_f16!.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(out.f_as_f16!.data as Uint16Array)).toEqual([0x3c00, 0xc000, 0x3800]);
  });

  it('names the output whose element type core cannot carry', async () => {
    const s = await rt.createSession(int16OutputModel(), { label: 'i16-stage' });
    const err = await s.run({ x: { dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) } }).catch((e) => e);
    expect(err).toBeInstanceOf(ModalflowError);
    expect(err.code).toBe('RUNTIME_RUN_FAILED');
    expect(err.message).toMatch(/session "i16-stage": output "y": element type int16/);
  });
});
