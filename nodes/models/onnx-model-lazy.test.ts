import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@modalflow/core';
import { OnnxGraph, encodeModel, ints, scanModel } from '@modalflow/onnx';
import { compileGraph } from '@modalflow/compiler';
import { importGraph, registry } from './run-imported.ts';

/** y = x · Wᵀ + b, W of `rows` x 256 floats: the weights are nearly all of the file. */
function projection(rows: number): Uint8Array {
  const g = new OnnxGraph('proj');
  g.addInput('x', 'float32', ['batch_size', 256]);
  g.addInitializer('w', { dtype: 'float32', dims: [rows, 256], data: Float32Array.from({ length: rows * 256 }, (_, k) => Math.cos(k)) });
  g.addInitializer('b', { dtype: 'float32', dims: [rows], data: new Float32Array(rows) });
  const y = g.op('Add', [g.op('MatMul', ['x', g.op('Transpose', ['w'], { perm: ints([1, 0]) })]), 'b'], {}, { outputName: 'y' });
  g.addOutput(y, 'float32', ['batch_size', rows]);
  return encodeModel(g);
}

/** The bytes behind a proxy that records every index read, as an instrumented reader. */
function recording(bytes: Uint8Array): { bytes: Uint8Array; read: Set<number> } {
  const read = new Set<number>();
  const proxy = new Proxy(bytes, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) read.add(Number(key));
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { bytes: proxy, read };
}

describe('model.onnx on a large model', () => {
  it('analyses and compiles without reading, copying or hashing its weights', () => {
    const file = projection(2048); // 2 MiB of weights
    const { initializers } = scanModel(file);
    const { bytes, read } = recording(file);
    const doc = importGraph({ feeds: { x: { dtype: 'float32', shape: 'B, 256' } }, outputs: ['y'] });
    // The loader recorded the hash it computed while reading the file, as the command line does.
    const sha256 = sha256Hex(file);
    const compiled = compileGraph(doc, registry, { asset: (name) => (name === 'net' ? { name, uri: 'net.onnx', bytes, sha256 } : undefined) });
    const stage = compiled.plan.stages[0]!;
    expect(stage).toMatchObject({ kind: 'onnx', hash: sha256, external: { asset: 'net' } });
    // The plan carries the very bytes it was given: nothing re-encoded or copied.
    expect(compiled.models[stage.kind === 'onnx' ? stage.model : '']).toBe(bytes);
    expect(read.size).toBeGreaterThan(100);
    const inside = [...read].filter((k) => initializers.some((s) => k >= s.start && k < s.end));
    expect(inside.length).toBeLessThan(64);
  });
});
