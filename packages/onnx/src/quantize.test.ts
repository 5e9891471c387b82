import * as ort from 'onnxruntime-node';
import { halfToFloat } from '@modalflow/core';
import { describe, expect, it } from 'vitest';
import { decodeModel, readModel } from './decode.ts';
import { encodeModel } from './encode.ts';
import { OnnxGraph } from './graph.ts';
import { f, i, ints } from './ir.ts';
import { quantizeColumns, quantizeInt8, toFloat16 } from './quantize.ts';

function values(n: number, seed: number, amp = 1): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31 - 0.5) * 2 * amp;
  });
}

/** x -> Linear(64->128, weight [out, in] behind a Transpose) -> GELU-ish -> MatMul(weight [128, 16]) + attention-like x·xᵀ. */
function mlp(): Uint8Array {
  const g = new OnnxGraph('mlp');
  g.addInput('x', 'float32', ['batch', 64]);
  g.addInitializer('w1', { dtype: 'float32', dims: [128, 64], data: values(128 * 64, 3, 0.2) });
  g.addInitializer('b1', { dtype: 'float32', dims: [128], data: values(128, 4, 0.1) });
  g.addInitializer('w2', { dtype: 'float32', dims: [128, 16], data: values(128 * 16, 5, 0.2) });
  const h = g.op('Add', [g.op('MatMul', ['x', g.op('Transpose', ['w1'], { perm: ints([1, 0]) })]), 'b1']);
  const act = g.op('Mul', [h, g.op('Sigmoid', [g.op('Mul', [h, g.scalarFloat(1.702)])])]);
  g.addOutput(g.op('MatMul', [act, 'w2'], {}, { outputName: 'y' }), 'float32', ['batch', 16]);
  // Both operands are activations: stays float32.
  g.addOutput(g.op('MatMul', ['x', g.op('Transpose', ['x'], { perm: ints([1, 0]) })], {}, { outputName: 'gram' }), 'float32', ['batch', 'batch']);
  g.addOutput(g.op('LayerNormalization', [act, g.constFloat(Array(128).fill(1)), g.constFloat(Array(128).fill(0))], { axis: i(-1), epsilon: f(1e-5) }, { outputName: 'norm' }), 'float32', ['batch', 128]);
  return encodeModel(g);
}

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
};
const maxAbs = (a: ArrayLike<number>) => maxDiff(a, new Float32Array(a.length));

describe('quantizeColumns', () => {
  it('scales each column by its own largest magnitude', () => {
    const { q, scale } = quantizeColumns(Float32Array.of(1, -0.5, -2, 0.25, 0, 0), 3, 2);
    expect([...scale]).toEqual([Math.fround(2 / 127), Math.fround(0.5 / 127)]);
    expect([...q]).toEqual([64, -127, -127, 64, 0, 0]);
  });
});

describe('quantizeInt8', () => {
  const x = new ort.Tensor('float32', values(8 * 64, 9), [8, 64]);

  it('writes MatMulInteger with int8 per-column weights and keeps outputs within 2% of float32', async () => {
    const bytes = mlp();
    const { graph, options } = readModel(bytes);
    const report = quantizeInt8(graph);
    expect(report.quantized).toHaveLength(2);
    expect(report.kept).toBe(1);
    expect(report.weightBytes.after).toBeLessThan(report.weightBytes.before * 0.3);
    const q = encodeModel(graph, options);
    const ops = decodeModel(q).opTypes;
    expect(ops).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger']));
    const [ref, got] = [await run(bytes, { x }), await run(q, { x })];
    for (const name of ['y', 'norm']) {
      const r = ref[name]!.data as Float32Array;
      // Per-tensor 8-bit activations and per-column 8-bit weights: about 1% of the output's range.
      expect(maxDiff(got[name]!.data as Float32Array, r)).toBeLessThan(0.02 * maxAbs(r));
      expect(maxDiff(got[name]!.data as Float32Array, r)).toBeGreaterThan(0);
    }
    expect(got['gram']!.data).toEqual(ref['gram']!.data);
  });
});

describe('toFloat16', () => {
  it('has float16 inputs, outputs and weights, and matches float32 to float16 precision', async () => {
    const bytes = mlp();
    const { graph, options } = readModel(bytes);
    const report = toFloat16(graph);
    expect(report.weights).toBe(6);
    const h = encodeModel(graph, options);
    const info = decodeModel(h);
    expect(info.inputs).toEqual([{ name: 'x', dtype: 'float16', shape: ['batch', 64] }]);
    expect(info.outputs.map((o) => o.dtype)).toEqual(['float16', 'float16', 'float16']);
    const [...g16] = readModel(h).graph.initializers.values();
    expect(g16.every((t) => t.dtype !== 'float32')).toBe(true);
    const xh = new ort.Tensor('float16', Uint16Array.from(x16(), (v) => v), [8, 64]);
    const ref = await run(bytes, { x: new ort.Tensor('float32', Float32Array.from(x16(), halfToFloat), [8, 64]) });
    const got = await run(h, { x: xh });
    for (const name of ['y', 'gram', 'norm']) {
      const r = ref[name]!.data as Float32Array;
      const o = Float32Array.from(got[name]!.data as Uint16Array, halfToFloat);
      expect(maxDiff(o, r)).toBeLessThan(4e-3 * Math.max(1, maxAbs(r)));
    }
  });
});

/** The test input in float16 bits. */
function x16(): Uint16Array {
  const v = values(8 * 64, 9);
  const out = new Uint16Array(v.length);
  // Exactly representable halves (multiples of 1/1024 in [-1, 1]), so both models see one input.
  for (let k = 0; k < v.length; k++) out[k] = halfBits(Math.round(v[k]! * 1024) / 1024);
  return out;
}
function halfBits(x: number): number {
  const f32 = new Float32Array([x]);
  const u = new Uint32Array(f32.buffer)[0]!;
  if (x === 0) return (u >>> 16) & 0x8000;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  return sign | (exp << 10) | ((u >>> 13) & 0x3ff);
}
