import { describe, expect, it } from 'vitest';
import { decodeModel } from './decode.ts';
import { encodeModel } from './encode.ts';
import { OnnxGraph } from './graph.ts';
import { ints } from './ir.ts';
import { scanModel } from './scan.ts';
import { SAMPLE_OPTIONS, sampleGraph } from './test-fixtures.ts';

/** y = x · Wᵀ with a weight of `rows` x 64 floats: the weights are nearly all of the file. */
function projection(rows: number): Uint8Array {
  const g = new OnnxGraph('proj');
  const x = g.addInput('x', 'float32', ['batch', 64]);
  g.addInitializer('w', { dtype: 'float32', dims: [rows, 64], data: Float32Array.from({ length: rows * 64 }, (_, k) => Math.sin(k)) });
  g.addInitializer('b', { dtype: 'float32', dims: [rows], data: new Float32Array(rows) });
  const y = g.op('Add', [g.op('MatMul', [x, g.op('Transpose', ['w'], { perm: ints([1, 0]) })]), 'b']);
  g.addOutput(g.op('Identity', [y], {}, { outputName: 'y' }), 'float32', ['batch', rows]);
  return encodeModel(g);
}

/** The bytes behind a proxy that records every index read. */
export function recording(bytes: Uint8Array): { bytes: Uint8Array; read: Set<number> } {
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

describe('scanModel', () => {
  it('gives the summary decodeModel gives', () => {
    for (const bytes of [encodeModel(sampleGraph(), SAMPLE_OPTIONS), projection(32)]) {
      expect(scanModel(bytes).info).toEqual(decodeModel(bytes));
    }
  });

  it('locates every initializer and never reads inside one beyond its name', () => {
    const file = projection(4096); // 1 MiB of weights
    const { bytes, read } = recording(file);
    const { info, initializers } = scanModel(bytes);
    expect(info.inputs.map((v) => v.name)).toEqual(['x']);
    expect(info.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 4096] }]);
    expect(initializers.map((s) => s.name)).toEqual(['w', 'b']);
    const weightBytes = initializers.reduce((a, s) => a + s.end - s.start, 0);
    expect(weightBytes).toBeGreaterThan(file.length * 0.99);
    const inside = [...read].filter((k) => initializers.some((s) => k >= s.start && k < s.end));
    expect(read.size).toBeGreaterThan(100);
    // Tags, lengths and the names: a few bytes per initializer.
    expect(inside.length).toBeLessThan(64);
    expect(read.size).toBeLessThan(file.length - weightBytes + 64);
  });

  it('refuses a file cut inside its weights as decodeModel does', () => {
    const file = projection(64);
    const cut = file.subarray(0, Math.floor(file.length / 2));
    expect(() => scanModel(cut, { file: 'cut.onnx' })).toThrow(expect.objectContaining({ code: 'ONNX_CORRUPT' }));
    expect(() => decodeModel(cut, { file: 'cut.onnx' })).toThrow(expect.objectContaining({ code: 'ONNX_CORRUPT' }));
  });
});
