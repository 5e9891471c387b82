import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { createNodeRuntime } from '../src/index.ts';
import { stepModel } from './fixtures/models.ts';

const f32 = (...v: number[]): Tensor => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });
const values = (t: Tensor) => Array.from(t.data as Float32Array);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('resident values in onnxruntime-node', () => {
  it('feeds a kept output back to ORT as the very tensor ORT returned, with no conversion in between', async () => {
    const rt = createNodeRuntime({ providers: ['cpu'] });
    const s = await rt.createSession(stepModel(), { label: 'step', keepOutputs: ['next_w'] });
    const calls: { feeds: Record<string, ort.Tensor>; results: ort.InferenceSession.ReturnType }[] = [];
    // The exported factory is the session class at run time; its type hides the prototype.
    const proto = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
    const run = proto.run;
    vi.spyOn(proto, 'run').mockImplementation(async function (this: ort.InferenceSession, ...args: unknown[]) {
      const results = await (run as (...a: unknown[]) => Promise<ort.InferenceSession.ReturnType>).apply(this, args);
      calls.push({ feeds: args[0] as Record<string, ort.Tensor>, results });
      return results;
    });

    const source = f32(1, 2, 3, 4);
    const w0 = await rt.resident.upload(source);
    // The runtime copied the tensor: changing the caller's array afterwards changes nothing.
    (source.data as Float32Array).fill(100);
    expect(w0).toMatchObject({ resident: true, dtype: 'float32', dims: [4] });

    const x = f32(1, 1, 1, 1);
    const r1 = await s.runResident!({ x, w: w0 }, ['next_w']);
    expect(Object.keys(r1.outputs)).toEqual(['y']);
    expect(values(r1.outputs.y!)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(r1.kept)).toEqual(['next_w']);
    const r2 = await s.runResident!({ x, w: r1.kept.next_w! }, ['next_w']);
    expect(values(r2.outputs.y!)).toEqual([2, 3, 4, 5]);

    expect(calls).toHaveLength(2);
    expect(calls[1]!.feeds.w).toBe(calls[0]!.results.next_w);
    expect(calls[1]!.feeds.x).not.toBe(calls[0]!.feeds.x);

    const read = await rt.resident.download(r2.kept.next_w!);
    expect(values(read)).toEqual([3, 4, 5, 6]);
    // A download is the caller's own copy.
    (read.data as Float32Array).fill(0);
    expect(values(await rt.resident.download(r2.kept.next_w!))).toEqual([3, 4, 5, 6]);

    await rt.resident.release([w0, r1.kept.next_w!]);
    const e = await s.runResident!({ x, w: w0 }, ['next_w']).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ModalflowError);
    expect((e as ModalflowError).message).toMatch(/input "w": the resident value was released/);
    await expect(rt.resident.download(w0)).rejects.toThrow(/released/);
    await rt.resident.release([r2.kept.next_w!]);
    await s.release();
  });

  it('refuses values of another runtime, keeps nothing from a failed run and checks what it is asked to keep', async () => {
    const a = createNodeRuntime({ providers: ['cpu'] });
    const b = createNodeRuntime({ providers: ['cpu'] });
    const s = await a.createSession(stepModel(), { label: 'step' });
    const foreign = await b.resident.upload(f32(1, 2, 3, 4));
    await expect(s.runResident!({ x: f32(0, 0, 0, 0), w: foreign }, ['next_w'])).rejects.toThrow(/belongs to another runtime/);
    const wrongShape = await a.resident.upload(f32(1, 2, 3));
    await expect(s.runResident!({ x: f32(0, 0, 0, 0), w: wrongShape }, ['next_w'])).rejects.toThrow(/input "w" \(resident\): dimension 0 must be 4/);
    const w = await a.resident.upload(f32(1, 2, 3, 4));
    await expect(s.runResident!({ x: f32(0, 0, 0, 0), w }, ['z'])).rejects.toThrow(/cannot keep unknown output "z"/);
    await expect(s.runResident!({ x: f32(0, 0, 0, 0), w }, ['next_w'], ['y'])).rejects.toThrow(/"next_w" is to be kept but is not among the fetches/);
    // A plain run of a session made to keep outputs still returns host tensors.
    const out = await s.run({ x: f32(1, 1, 1, 1), w: f32(1, 2, 3, 4) });
    expect(values(out.next_w!)).toEqual([2, 3, 4, 5]);
    await s.release();
  });
});
