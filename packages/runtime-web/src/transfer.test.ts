import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { ownsWholeBuffer, packFeeds, packModel, packReturned, packTensors, reattach, tensorBytes } from './transfer.ts';

/** Posts `value` through structured clone with `transfer`, as postMessage does. */
function post<T>(value: T, transfer: ArrayBuffer[]): T {
  return structuredClone(value, { transfer });
}

describe('moving tensors across threads', () => {
  it('moves whole-buffer tensors and hands their memory back', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const feeds: Record<string, Tensor> = { x: { dtype: 'float32', dims: [2, 2], data } };
    const packed = packFeeds(feeds);
    expect(packed.moved).toEqual(['x']);
    const there = post(packed.value, packed.transfer);
    expect(data.buffer.byteLength).toBe(0);

    const back = packReturned({ x: there.x!.data });
    const returned = post(back.value, back.transfer);
    reattach(feeds, packed.moved, returned);
    expect(Array.from(feeds.x!.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('copies views on a bigger buffer instead of detaching memory outside the tensor', () => {
    const big = new Float32Array(10).map((_, k) => k);
    const feeds: Record<string, Tensor> = { x: { dtype: 'float32', dims: [4], data: big.subarray(2, 6) } };
    const packed = packFeeds(feeds);
    expect(packed.moved).toEqual([]);
    const there = post(packed.value, packed.transfer);
    expect(big.buffer.byteLength).toBe(40);
    expect(Array.from(there.x!.data as Float32Array)).toEqual([2, 3, 4, 5]);
  });

  it('lists a buffer shared by two feeds once', () => {
    const t: Tensor = { dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) };
    const packed = packFeeds({ a: t, b: t });
    expect(packed.transfer).toHaveLength(1);
    const there = post(packed.value, packed.transfer);
    expect((there.a!.data as Float32Array).buffer).toBe((there.b!.data as Float32Array).buffer);
  });

  it('copies frozen tensors, whose data cannot be re-pointed afterwards', () => {
    const data = new Float32Array([1, 2]);
    const packed = packFeeds({ x: Object.freeze({ dtype: 'float32', dims: [2], data }) as Tensor });
    post(packed.value, packed.transfer);
    expect(data.buffer.byteLength).toBe(8);
  });

  it('leaves string tensors to structured clone', () => {
    const packed = packFeeds({ s: { dtype: 'string', dims: [1], data: ['a'] } });
    expect(packed.transfer).toEqual([]);
  });

  it('moves results whole and copies partial views', () => {
    const whole = new Float32Array(3);
    const part = new Float32Array(8).subarray(1, 3);
    const packed = packTensors({ a: { dtype: 'float32', dims: [3], data: whole }, b: { dtype: 'float32', dims: [2], data: part } });
    expect(packed.transfer).toHaveLength(2);
    expect(packed.value.a!.data).toBe(whole);
    expect(ownsWholeBuffer(packed.value.b!.data as Float32Array)).toBe(true);
  });

  it('moves model bytes unless asked to copy, and copies a slice of a bigger buffer', () => {
    const model = new Uint8Array([1, 2, 3]);
    expect(packModel(model, false).transfer).toEqual([model.buffer]);
    expect(packModel(model, true).value).not.toBe(model);
    const slice = new Uint8Array(16).subarray(4, 8);
    const packed = packModel(slice, false);
    expect(packed.value.byteLength).toBe(4);
    expect(packed.transfer[0]).not.toBe(slice.buffer);
  });

  it('counts the bytes of tensor data a link carries, views by their own length', () => {
    const view = new Float32Array(10).subarray(2, 5);
    expect(tensorBytes([{ dtype: 'float32', dims: [3], data: view }, undefined, { dtype: 'int64', dims: [2], data: new BigInt64Array(2) }])).toBe(12 + 16);
    expect(tensorBytes([{ dtype: 'string', dims: [2], data: ['ab', 'c'] }])).toBe(6);
  });
});
