/**
 * Shared part of the reference-parity tests: each example's `parity/fixture.safetensors` holds
 * the original implementation's state_dict (`state.*`), the inputs (`input.*`) and its outputs
 * (`output.*`), written by `examples/<name>/parity/make_fixtures.py`. The state_dict goes through
 * the example's checkpoint map (`weights-maps/<map>.json`) into the tiny graph, which runs on
 * onnxruntime-node (cpu).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseGraph, parseWeightsMap, type Tensor, type WeightsMapReport } from '@modalflow/core';
import { analyzeOrThrow, compileGraph, mapCheckpoint } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { readSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';

export const TOL = 1e-4;

export interface ReferenceFixture {
  state: Map<string, Tensor>;
  tensor(name: string): Tensor;
  meta: Record<string, string>;
}

/** Mirrors lcg_values in test/parity/reference_fixture.py: (top 10 bits of the state - 512) / 2048. */
export function lcgTensor(dims: number[], seed: number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[k] = ((s >>> 22) - 512) / 2048;
  }
  return { dtype: 'float32', dims, data };
}

/**
 * The fixture, with its state_dict completed: tensors listed under `generated` are rebuilt from
 * their seeds, and those under `omitted` (heads the graph does not have, left out to keep the
 * file small) are zero stand-ins, so that the map still has to account for every key.
 */
export function referenceFixture(example: string): ReferenceFixture {
  const file = readSafetensors(readFileSync(`${ROOT}examples/${example}/parity/fixture.safetensors`));
  const state = new Map<string, Tensor>();
  for (const [k, t] of file.tensors) if (k.startsWith('state.')) state.set(k.slice('state.'.length), t);
  const generated = JSON.parse(file.metadata['generated'] ?? '{}') as Record<string, [number[], number]>;
  for (const [name, [dims, seed]] of Object.entries(generated)) state.set(name, lcgTensor(dims, seed));
  const omitted = JSON.parse(file.metadata['omitted'] ?? '{}') as Record<string, number[]>;
  for (const [name, dims] of Object.entries(omitted)) {
    state.set(name, { dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
  }
  return {
    state,
    meta: file.metadata,
    tensor(name) {
      const t = file.tensors.get(name);
      if (!t) throw new Error(`fixture of ${example} has no tensor ${name}`);
      return t;
    },
  };
}

/** Runs the tiny graph with the reference weights placed by the map; returns outputs, taps and the map's report. */
export async function runMapped(
  example: string,
  map: string,
  state: Map<string, Tensor>,
  inputs: Record<string, Tensor>,
  taps: string[] = [],
): Promise<{ outputs: Record<string, Tensor>; taps: Record<string, Tensor>; report: WeightsMapReport }> {
  const file = `${ROOT}examples/${example}/tiny.json`;
  const doc = parseGraph(readFileSync(file, 'utf8'), { file });
  const mapFile = `${ROOT}examples/${example}/weights-maps/${map}.json`;
  const weightsMap = parseWeightsMap(readFileSync(mapFile, 'utf8'), mapFile);
  const analysis = analyzeOrThrow(doc, registry, { file });
  const { weights, report } = mapCheckpoint(analysis, weightsMap, state);
  const plan = compileGraph(doc, registry, { file, weights, taps });
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const program = await engine.load(plan);
  try {
    const result = await program.run(inputs, { taps, cache: false });
    return { outputs: result.outputs, taps: result.taps, report };
  } finally {
    await program.release();
  }
}

/**
 * Largest |a - b| / max(|a|, |b|, rms(expected)) over the tensor: relative error, with an element
 * near zero held to its tensor's scale rather than to a relative error it cannot have.
 */
export function relativeError(actual: Tensor, expected: Tensor): number {
  expect(actual.dims, 'shape').toEqual(expected.dims.length ? expected.dims : actual.dims);
  const a = actual.data as ArrayLike<number>;
  const b = expected.data as ArrayLike<number>;
  expect(a.length).toBe(b.length);
  let ss = 0;
  for (let k = 0; k < b.length; k++) ss += b[k]! * b[k]!;
  const rms = Math.sqrt(ss / Math.max(b.length, 1));
  let worst = 0;
  for (let k = 0; k < b.length; k++) {
    const scale = Math.max(Math.abs(a[k]!), Math.abs(b[k]!), rms);
    const e = scale > 0 ? Math.abs(a[k]! - b[k]!) / scale : 0;
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

/** Checks each named output against the fixture's `output.<name>`; returns the worst error of each. */
export function compareOutputs(outputs: Record<string, Tensor>, fixture: ReferenceFixture, names: string[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const name of names) {
    const actual = outputs[name];
    expect(actual, `output ${name}`).toBeDefined();
    errors[name] = relativeError(actual!, fixture.tensor(`output.${name}`));
  }
  console.log(`reference parity: ${Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
  for (const [name, e] of Object.entries(errors)) expect(e, `${name}: worst relative error`).toBeLessThanOrEqual(TOL);
  return errors;
}

/** Nothing in the reference checkpoint may go unplaced, and no graph weight may stay seeded. */
export function expectComplete(report: WeightsMapReport): void {
  expect(report.unplaced, 'checkpoint keys the map could not place').toEqual([]);
  expect(report.seeded, 'graph weights left at their seeded values').toEqual([]);
}
