import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileGraph } from '@modalflow/compiler';
import { parseGraph, type Tensor } from '@modalflow/core';
import { createEngine } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { createNodeRuntime } from '@modalflow/runtime-node';
import type { PlainTensor } from './wire.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function exampleGraph(name: string): string {
  return readFileSync(`${ROOT}examples/${name}/graph.json`, 'utf8');
}

/** Uniform values in [-1, 1) from a linear congruential generator: the same on every machine. */
export function floats(dims: number[], seed: number): PlainTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Array<number>(n);
  let s = seed >>> 0 || 1;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[k] = Math.fround((s / 2 ** 32) * 2 - 1);
  }
  return { dims, data };
}

function toTensor(p: PlainTensor): Tensor {
  return { dtype: 'float32', dims: p.dims, data: Float32Array.from(p.data) };
}

export interface NodeRun {
  outputs: Record<string, PlainTensor>;
  loadMs: number;
  /** A second load of the same plan: session creation alone, ORT already initialised. */
  reloadMs: number;
  firstRunMs: number;
  runMs: number[];
}

/** Compiles `graph` in Node and runs it through the shared engine on onnxruntime-node's CPU provider. */
export async function runInNode(graph: string, inputs: Record<string, PlainTensor>, reps = 0): Promise<NodeRun> {
  const registry = createRegistry();
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const compiled = compileGraph(parseGraph(graph), registry);
  const t0 = performance.now();
  let program = await engine.load(compiled);
  const loadMs = performance.now() - t0;
  await program.release();
  const t1 = performance.now();
  program = await engine.load(compiled);
  const reloadMs = performance.now() - t1;
  const feeds = () => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, toTensor(v)]));
  const f0 = performance.now();
  let result = await program.run(feeds(), { cache: false });
  const firstRunMs = performance.now() - f0;
  const runMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const f = feeds();
    const s = performance.now();
    result = await program.run(f, { cache: false });
    runMs.push(performance.now() - s);
  }
  await program.release();
  const outputs = Object.fromEntries(
    Object.entries(result.outputs).map(([k, t]) => [k, { dims: t.dims, data: Array.from(t.data as Float32Array) }]),
  );
  return { outputs, loadMs, reloadMs, firstRunMs, runMs };
}

export function maxAbsDiff(a: PlainTensor, b: PlainTensor): number {
  if (a.data.length !== b.data.length) return Infinity;
  let d = 0;
  for (let k = 0; k < a.data.length; k++) d = Math.max(d, Math.abs(a.data[k]! - b.data[k]!));
  return d;
}
