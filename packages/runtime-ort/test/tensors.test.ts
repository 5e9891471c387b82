import { describe, expect, it } from 'vitest';
// The pure-JS Tensor every onnxruntime build re-exports: conversion is tested without loading a
// native addon or a wasm module.
import { Tensor as OrtTensor } from 'onnxruntime-common';
import type { InferenceSession } from 'onnxruntime-common';
import type { DType, Tensor, TensorData } from '@modalflow/core';
import { fromOrtTensor, isCoreDType, shapeProblem, tensorProblem, toOrtTensor } from '../src/index.ts';

// Each dtype in the array class core carries it in, with values at the edges of its range.
const SAMPLES: Record<DType, TensorData> = {
  float32: new Float32Array([1.5, -2]),
  float64: new Float64Array([1.5, -(2 ** 60)]),
  float16: new Uint16Array([0x3c00, 0x7bff]), // 1, 65504
  int64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]),
  int32: new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
  int8: new Int8Array([-128, 127]),
  uint8: new Uint8Array([0, 255]),
  bool: new Uint8Array([0, 1]),
  string: ['', 'größe ✓'],
};
const ALL_DTYPES = Object.keys(SAMPLES) as DType[];
const sample = (dtype: DType): Tensor => ({ dtype, dims: [2], data: SAMPLES[dtype] }) as Tensor;

describe('tensor conversion', () => {
  it.each(ALL_DTYPES)('wraps a %s tensor for ORT without copying, and back', (dtype) => {
    const t = sample(dtype);
    const o = toOrtTensor(OrtTensor, t);
    expect(o).toBeInstanceOf(OrtTensor);
    expect(o.type).toBe(dtype);
    expect(o.dims).toEqual(t.dims);
    expect(o.data).toBe(t.data);
    const back = fromOrtTensor(o);
    expect(back).not.toBeTypeOf('string');
    expect((back as Tensor).data).toBe(t.data);
    expect((back as Tensor).dtype).toBe(dtype);
  });

  it('keeps views into a larger buffer intact', () => {
    const big = new Float32Array([9, 9, 1, 2, 3, 4, 9]);
    const view = big.subarray(2, 6);
    expect(toOrtTensor(OrtTensor, { dtype: 'float32', dims: [1, 4], data: view }).data).toBe(view);
  });

  it('hands float16 back as its bits when ORT returns another array class', () => {
    const bits = new Uint16Array([0, 0x3c00, 0xc000, 0]);
    const o = { type: 'float16', dims: [2], location: 'cpu', data: { buffer: bits.buffer, byteOffset: 2, length: 2 } };
    const back = fromOrtTensor(o as unknown as OrtTensor) as Tensor;
    expect(back.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(back.data as Uint16Array)).toEqual([0x3c00, 0xc000]);
    expect((back.data as Uint16Array).buffer).toBe(bits.buffer);
  });

  it('reports ORT tensors core cannot carry instead of converting them', () => {
    expect(fromOrtTensor(new OrtTensor('int16', new Int16Array([1, 2]), [2]))).toMatch(/int16 has no ModalFlow dtype/);
    const onGpu = { type: 'float32', dims: [1], location: 'gpu-buffer' } as unknown as OrtTensor;
    expect(fromOrtTensor(onGpu)).toBe('tensor lives on "gpu-buffer", not in host memory');
  });

  it('rejects data in the wrong array class with a precise message', () => {
    expect(() => toOrtTensor(OrtTensor, { dtype: 'int64', dims: [2], data: new Int32Array(2) })).toThrow(
      /int64 tensor needs a BigInt64Array, got Int32Array/,
    );
    expect(() => toOrtTensor(OrtTensor, { dtype: 'float32', dims: [3], data: new Float32Array(2) })).toThrow(/need 3 values, got 2/);
    expect(tensorProblem({ dtype: 'string', dims: [1], data: new Uint8Array(1) } as unknown as Tensor)).toBe('a string tensor needs a string[]');
    expect(tensorProblem({ dtype: 'float32', dims: [1.5], data: new Float32Array(1) })).toBe('invalid dims [1.5]');
    expect(tensorProblem({ dtype: 'int16', dims: [1], data: new Int16Array(1) } as unknown as Tensor)).toBe('unknown dtype "int16"');
    expect(isCoreDType('bool')).toBe(true);
    expect(isCoreDType('uint16')).toBe(false);
  });

  it('checks values that crossed postMessage only when asked to', () => {
    const untrusted = { untrusted: true };
    expect(tensorProblem(null as unknown as Tensor, untrusted)).toBe('not a tensor');
    expect(() => tensorProblem(null as unknown as Tensor)).toThrow(TypeError);
    expect(tensorProblem({ dtype: 'float32', dims: 4, data: new Float32Array(4) } as unknown as Tensor, untrusted)).toBe(
      'dims must be an array',
    );
    const data = new Float32Array(4);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    const detached: Tensor = { dtype: 'float32', dims: [4], data };
    expect(tensorProblem(detached, untrusted)).toBe('its data is detached (its ArrayBuffer was transferred to another thread)');
    expect(tensorProblem(detached)).toBe('dims [4] need 4 values, got 0');
    expect(tensorProblem({ dtype: 'float32', dims: [0], data: new Float32Array(0) }, untrusted)).toBeUndefined();
  });
});

describe('shapes against the model', () => {
  const meta = (shape: (number | string)[], type: InferenceSession.TensorValueMetadata['type'] = 'float32') =>
    ({ name: 'x', isTensor: true, type, shape }) as InferenceSession.ValueMetadata;
  const t: Tensor = { dtype: 'float32', dims: [2, 4], data: new Float32Array(8) };

  it('accepts symbolic sizes and matching known ones', () => {
    expect(shapeProblem(t, meta(['B', 4]))).toBeUndefined();
    expect(shapeProblem(t, { name: 'x', isTensor: false } as InferenceSession.ValueMetadata)).toBeUndefined();
  });

  it('names the dtype, rank or dimension that does not fit', () => {
    expect(shapeProblem(t, meta([2, 4], 'int64'))).toBe('the model expects int64, got float32');
    expect(shapeProblem(t, meta(['B']))).toBe('the model expects rank 1 [B], got dims [2, 4]');
    expect(shapeProblem(t, meta(['B', 3]))).toBe('dimension 1 must be 3 (model shape [B, 3]), got dims [2, 4]');
  });
});
