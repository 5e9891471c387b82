import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { writeNpy, type Tensor } from '@modalflow/core';
import type { CompiledPlan } from '@modalflow/compiler';
import { exportPytorch } from '@modalflow/export';
import { OnnxGraph, encodeModel, f, i, ints, s, type Attr } from '@modalflow/onnx';

const PYTHON = '/usr/bin/python3';
const DRIVER = new URL('./export-pytorch.driver.py', import.meta.url).pathname;
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-pytorch-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seed = 3;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const floats = (...dims: number[]): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rand() * 20 - 10) });
const int32s = (...dims: number[]): Tensor => ({ dtype: 'int32', dims, data: Int32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.floor(rand() * 11) - 5) });
const i64 = (...v: number[]): Tensor => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v, BigInt) });
const f32 = (...v: number[]): Tensor => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });

/** One operator: inputs fed at run time (`x`), constants (`c`, as the compiler's own), '' for an omitted one. */
interface Case {
  name: string;
  op: string;
  inputs: ({ x: Tensor } | { c: Tensor } | '')[];
  attrs?: Record<string, Attr>;
  outputs?: number;
}

const X = floats(1, 2, 5, 6);
const resize = (name: string, attrs: Record<string, Attr>, sizes?: number[], scales?: number[]): Case => ({
  name: `Resize ${name}`,
  op: 'Resize',
  inputs: [{ x: X }, '', scales ? { c: f32(...scales) } : '', ...(sizes ? [{ c: i64(...sizes) }] : [])],
  attrs,
});
const lin = { mode: s('linear') };
const near = (mode: string, ctm: string) => ({ mode: s('nearest'), nearest_mode: s(mode), coordinate_transformation_mode: s(ctm) });

const CASES: Case[] = [
  resize('linear half_pixel, up', lin, [1, 2, 7, 9]),
  resize('linear half_pixel, down', lin, [1, 2, 3, 4]),
  resize('linear align_corners', { ...lin, coordinate_transformation_mode: s('align_corners') }, [1, 2, 8, 3]),
  resize('linear asymmetric, by scales', { ...lin, coordinate_transformation_mode: s('asymmetric') }, undefined, [1, 1, 1.5, 0.5]),
  resize('linear pytorch_half_pixel, one row', { ...lin, coordinate_transformation_mode: s('pytorch_half_pixel') }, [1, 2, 1, 9]),
  resize('nearest round_prefer_floor half_pixel', near('round_prefer_floor', 'half_pixel'), undefined, [1, 1, 2, 1.5]),
  resize('nearest round_prefer_ceil asymmetric', near('round_prefer_ceil', 'asymmetric'), [1, 2, 8, 11]),
  resize('nearest floor align_corners', near('floor', 'align_corners'), [1, 2, 3, 4]),
  resize('nearest ceil half_pixel', near('ceil', 'half_pixel'), [1, 2, 9, 4]),
  resize('cubic, a -0.75, edge pixels repeated', { mode: s('cubic') }, [1, 2, 8, 9]),
  resize('cubic, a -0.5, exclude_outside, down', { mode: s('cubic'), cubic_coeff_a: f(-0.5), exclude_outside: i(1) }, [1, 2, 3, 4]),
  resize('cubic, a -0.5, exclude_outside, up', { mode: s('cubic'), cubic_coeff_a: f(-0.5), exclude_outside: i(1) }, [1, 2, 11, 7]),
  resize('cubic asymmetric, by scales', { mode: s('cubic'), coordinate_transformation_mode: s('asymmetric') }, undefined, [1, 1, 1.7, 0.6]),
  { name: 'Pad constant, with a crop', op: 'Pad', inputs: [{ x: floats(2, 3, 4) }, { c: i64(0, 1, 2, 1, 0, -1) }, { c: f32(1.5) }] },
  { name: 'Pad reflect', op: 'Pad', inputs: [{ x: floats(2, 3, 4) }, { c: i64(0, 0, 2, 0, 0, 3) }], attrs: { mode: s('reflect') } },
  { name: 'Pad edge', op: 'Pad', inputs: [{ x: floats(2, 3, 4) }, { c: i64(1, 2, 0, 0, 1, 3) }], attrs: { mode: s('edge') } },
  { name: 'MatMul int32', op: 'MatMul', inputs: [{ x: int32s(2, 3, 4) }, { x: int32s(4, 5) }] },
  {
    name: 'LSTM bidirectional, sequence lengths, initial state',
    op: 'LSTM',
    inputs: [
      { x: floats(4, 2, 3) }, { c: floats(2, 20, 3) }, { c: floats(2, 20, 5) }, { c: floats(2, 40) },
      { c: { dtype: 'int32', dims: [2], data: Int32Array.from([4, 2]) } }, { x: floats(2, 2, 5) }, { x: floats(2, 2, 5) },
    ],
    attrs: { hidden_size: i(5), direction: s('bidirectional') },
    outputs: 3,
  },
];
// LSTM weights of magnitude 10 saturate every gate; scale them to where the gates are not flat.
for (const t of CASES.at(-1)!.inputs) if (t !== '' && 'c' in t && t.c.dtype === 'float32') (t.c.data as Float32Array).forEach((v, k, a) => (a[k] = v / 20));

/** The case as a one-stage plan, as the compiler would hand it over. */
function build(c: Case): { compiled: CompiledPlan; feeds: Record<string, Tensor> } {
  const g = new OnnxGraph(c.name);
  const feeds: Record<string, Tensor> = {};
  const names = c.inputs.map((t, k) => {
    if (t === '') return '';
    if ('x' in t) {
      feeds[`x${k}`] = t.x;
      return g.addInput(`x${k}`, t.x.dtype, [...t.x.dims]);
    }
    return g.addInitializer(`c/${k}`, t.c);
  });
  const outs = g.opNOf('', c.op, names, c.outputs ?? 1, c.attrs ?? {});
  outs.forEach((o, k) => g.identity(o, `y${k}`));
  outs.forEach((_, k) => g.addOutput(`y${k}`));
  const plan = {
    title: c.name,
    inputs: Object.keys(feeds).map((n) => ({ name: n, tensor: n })),
    outputs: outs.map((_, k) => ({ name: `y${k}`, tensor: `y${k}` })),
    stages: [{ kind: 'onnx', id: 's0', model: 'm.onnx', nodes: ['op'], inputs: Object.keys(feeds).map((n) => ({ name: n, tensor: n })), outputs: outs.map((_, k) => ({ name: `y${k}`, tensor: `y${k}` })) }],
  };
  return { compiled: { plan, models: { 'm.onnx': encodeModel(g) } } as unknown as CompiledPlan, feeds };
}

describe.skipIf(!hasTorch)(`PyTorch translation of single ONNX operators against onnxruntime (needs ${PYTHON} with torch)`, () => {
  it('every case gives what onnxruntime gives, to 1e-5', { timeout: 120_000 }, async () => {
    const jobs: object[] = [];
    const want: Record<string, ort.Tensor>[] = [];
    for (const [k, c] of CASES.entries()) {
      const { compiled, feeds } = build(c);
      const session = await ort.InferenceSession.create(compiled.models['m.onnx']!);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, [...t.dims])]));
      want.push(await session.run(ortFeeds));
      await session.release();
      const model = path.join(dir, `case${k}.py`);
      writeFileSync(model, exportPytorch(compiled).source);
      const inputs: Record<string, string> = {};
      for (const [n, t] of Object.entries(feeds)) {
        inputs[n] = path.join(dir, `case${k}-${n}.npy`);
        writeFileSync(inputs[n]!, writeNpy(t));
      }
      jobs.push({ model, weights: null, inputs, trained: null });
    }
    writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify(jobs));
    const got = JSON.parse(execFileSync(PYTHON, [DRIVER, path.join(dir, 'jobs.json')], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as { outputs: Record<string, number[]> }[];
    const bad: string[] = [];
    CASES.forEach((c, k) => {
      for (const [name, t] of Object.entries(want[k]!)) {
        const w = Array.from(t.data as Float32Array, Number);
        const g = got[k]!.outputs[name]!;
        const worst = g.length === w.length ? Math.max(0, ...g.map((v, j) => Math.abs(v - w[j]!) / (1 + Math.abs(w[j]!)))) : Infinity;
        if (!(worst <= 1e-5)) bad.push(`${c.name} ${name}: ${g.length === w.length ? `off by ${worst}` : `${g.length} values, not ${w.length}`}`);
      }
    });
    expect(bad).toEqual([]);
  });
});

it.skipIf(hasTorch)(`PyTorch operator translation: skipped, ${PYTHON} has no torch`, () => {});
