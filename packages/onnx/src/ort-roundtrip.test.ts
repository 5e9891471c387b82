import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeGraph, decodeModel, modelOptionsOf } from './decode.ts';
import { encodeModel, type ModelOptions } from './encode.ts';
import { OnnxGraph } from './graph.ts';
import { f, g, i, t } from './ir.ts';

/** Runs an encoded model in onnxruntime and returns its outputs by name. */
async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k]! - expected[k]!)).toBeLessThanOrEqual(tol);
}

/** A deterministic pseudo-random sequence, so failures reproduce. */
function values(n: number, seed: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 30 - 1;
  });
}

function denseReluModel(): { model: Uint8Array; w: Float32Array; b: Float32Array } {
  const graph = new OnnxGraph('dense');
  const w = values(12, 1);
  const b = values(3, 2);
  const x = graph.addInput('x', 'float32', ['batch', 4]);
  const y = graph.scope('dense', () => {
    const mm = graph.op('MatMul', [x, graph.constant({ dtype: 'float32', dims: [4, 3], data: w }, 'weight')]);
    const add = graph.op('Add', [mm, graph.constFloat([...b])]);
    return graph.op('Relu', [add]);
  });
  graph.addOutput(graph.identity(y, 'y'), 'float32', ['batch', 3]);
  return { model: encodeModel(graph, { producerName: 'modalflow-test' }), w, b };
}

function denseRelu(x: Float32Array, w: Float32Array, b: Float32Array, batch: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < batch; r++) {
    for (let c = 0; c < 3; c++) {
      let acc = b[c]!;
      for (let k = 0; k < 4; k++) acc += x[r * 4 + k]! * w[k * 3 + c]!;
      out.push(Math.max(0, acc));
    }
  }
  return out;
}

describe('models from the builder run in onnxruntime', () => {
  it('MatMul + Add + Relu with a symbolic batch dimension', async () => {
    const { model, w, b } = denseReluModel();
    for (const batch of [1, 5]) {
      const x = values(batch * 4, 10 + batch);
      const { y } = await run(model, { x: new ort.Tensor('float32', x, [batch, 4]) });
      expect(y!.dims).toEqual([batch, 3]);
      expectClose(y!.data as Float32Array, denseRelu(x, w, b, batch), 1e-5);
    }
  });

  it('LayerNormalization over the last axis', async () => {
    const graph = new OnnxGraph('layernorm');
    const d = 8;
    const scale = values(d, 3);
    const bias = values(d, 4);
    const x = graph.addInput('x', 'float32', ['batch', 'seq', d]);
    const y = graph.op('LayerNormalization', [x, graph.constFloat([...scale]), graph.constFloat([...bias])], {
      axis: i(-1),
      epsilon: f(1e-5),
    });
    graph.addOutput(graph.identity(y, 'y'), 'float32', ['batch', 'seq', d]);
    const model = encodeModel(graph);

    const rows = 2 * 3;
    const input = values(rows * d, 5);
    const { y: out } = await run(model, { x: new ort.Tensor('float32', input, [2, 3, d]) });
    const expected: number[] = [];
    for (let r = 0; r < rows; r++) {
      const row = input.subarray(r * d, (r + 1) * d);
      const mean = row.reduce((a, v) => a + v, 0) / d;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / d;
      for (let k = 0; k < d; k++) expected.push(((row[k]! - mean) / Math.sqrt(variance + 1e-5)) * scale[k]! + bias[k]!);
    }
    expect(out!.dims).toEqual([2, 3, d]);
    expectClose(out!.data as Float32Array, expected, 1e-4);
  });

  it('every initializer dtype, tensor and subgraph attributes, and float attributes', async () => {
    const graph = new OnnxGraph('kinds');
    const ids = graph.addInput('ids', 'int64', ['n']);
    const cond = graph.addInput('cond', 'bool', []);
    const table = graph.addInitializer('table', { dtype: 'float32', dims: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    const gathered = graph.op('Gather', [table, ids], { axis: i(0) });
    graph.addOutput(graph.identity(graph.op('Softmax', [gathered], { axis: i(-1) }), 'soft'), 'float32');
    graph.addOutput(graph.identity(graph.op('LeakyRelu', [graph.constFloat([-2, 2])], { alpha: f(0.25) }), 'leaky'));

    const half = graph.op('Constant', [], { value: t({ dtype: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0xc100) }) });
    graph.addOutput(graph.identity(graph.op('Cast', [half], { to: i(1) }), 'from_half'), 'float32', [2]);
    const flags = graph.addInitializer('flags', { dtype: 'bool', dims: [2], data: Uint8Array.of(1, 0) });
    graph.addOutput(graph.identity(graph.op('Not', [flags]), 'not_flags'), 'bool', [2]);
    const small = graph.addInitializer('small', { dtype: 'int8', dims: [2], data: Int8Array.of(-5, 7) });
    const wide = graph.addInitializer('wide', { dtype: 'int32', dims: [2], data: Int32Array.of(100000, -3) });
    const bytes = graph.addInitializer('bytes', { dtype: 'uint8', dims: [2], data: Uint8Array.of(250, 1) });
    const sum = graph.op('Add', [graph.op('Cast', [small], { to: i(6) }), wide]);
    graph.addOutput(graph.identity(graph.op('Add', [sum, graph.op('Cast', [bytes], { to: i(6) })]), 'ints'), 'int32');
    const words = graph.addInitializer('word_table', { dtype: 'string', dims: [2], data: ['hello', 'wörld ✓'] });
    graph.addOutput(graph.identity(words, 'words'), 'string', [2]);

    const branch = (name: string, value: number) => {
      const body = graph.subgraph(name);
      body.addOutput(body.op('Mul', [gathered, graph.scalarFloat(value)]), 'float32');
      return body;
    };
    const chosen = graph.op('If', [cond], { then_branch: g(branch('then', 10)), else_branch: g(branch('else', -1)) });
    graph.addOutput(graph.identity(chosen, 'chosen'), 'float32');

    const model = encodeModel(graph);
    const feeds = { ids: new ort.Tensor('int64', BigInt64Array.of(2n, 0n), [2]), cond: new ort.Tensor('bool', [true], []) };
    const out = await run(model, feeds);
    const e = Math.exp(1);
    expectClose(out.soft!.data as Float32Array, [1 / (1 + e), e / (1 + e), 1 / (1 + e), e / (1 + e)], 1e-6);
    expect([...(out.leaky!.data as Float32Array)]).toEqual([-0.5, 2]);
    expect([...(out.from_half!.data as Float32Array)]).toEqual([1, -2.5]);
    expect([...(out.not_flags!.data as Uint8Array)].map(Boolean)).toEqual([false, true]);
    expect([...(out.ints!.data as Int32Array)]).toEqual([100245, 5]);
    expect(out.words!.data).toEqual(['hello', 'wörld ✓']);
    expect([...(out.chosen!.data as Float32Array)]).toEqual([50, 60, 10, 20]);

    const otherWay = await run(model, { ...feeds, cond: new ort.Tensor('bool', [false], []) });
    expect([...(otherWay.chosen!.data as Float32Array)]).toEqual([-5, -6, -1, -2]);
  });

  it('a decoded and re-encoded model is byte-identical and still runs', async () => {
    const { model, w, b } = denseReluModel();
    const options: ModelOptions = modelOptionsOf(decodeModel(model));
    const again = encodeModel(decodeGraph(model), options);
    expect(Buffer.from(again).equals(Buffer.from(model))).toBe(true);
    const x = values(8, 99);
    const { y } = await run(again, { x: new ort.Tensor('float32', x, [2, 4]) });
    expectClose(y!.data as Float32Array, denseRelu(x, w, b, 2), 1e-5);
  });

  it('decodes a model that onnxruntime itself wrote, fusions and extra domains included', async () => {
    const { model, w, b } = denseReluModel();
    const dir = mkdtempSync(join(tmpdir(), 'modalflow-onnx-'));
    try {
      const path = join(dir, 'optimized.onnx');
      const session = await ort.InferenceSession.create(model, {
        optimizedModelFilePath: path,
        graphOptimizationLevel: 'extended',
      });
      await session.release();
      const written = new Uint8Array(readFileSync(path));
      const info = decodeModel(written, { file: path });
      expect(info).toMatchObject({
        irVersion: 8,
        producerName: 'modalflow-test',
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 3] }],
      });
      expect(info.opsets[0]).toEqual({ domain: '', version: 17 });
      const again = encodeModel(decodeGraph(written), modelOptionsOf(info));
      const x = values(8, 7);
      const { y } = await run(again, { x: new ort.Tensor('float32', x, [2, 4]) });
      expectClose(y!.data as Float32Array, denseRelu(x, w, b, 2), 1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('onnxruntime sees the declared input and output names', async () => {
    const { model } = denseReluModel();
    const session = await ort.InferenceSession.create(model);
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
    } finally {
      await session.release();
    }
  });
});
