import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDoc, Tensor } from '@modalflow/core';
import type { CompiledPlan } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { openTestPage, type TestPage } from './browser-page.ts';
import type { ExamplesPageApi, PlanRequest, PlanResult, WireTensor } from './examples.browser-wire.ts';
import { registry } from './fixtures.ts';
import { randomGraph } from './fuzz/random-graph.ts';
import { runCase, tensorDiff } from './fuzz/granularities.ts';

/**
 * A sample of the random graphs of fuzz-graphs.test.ts, compiled whole in Node and run on
 * onnxruntime-node and on onnxruntime-web (wasm) in Chromium, through the page the example
 * graphs use, with one fixed-size preprocessing graph (Pillow's resize as integer matrix products).
 * Outputs must agree to 1e-4 of each output's largest magnitude.
 */

const SAMPLE = 20;
const TOLERANCE = 1e-4;
/** Seeds of their own, so the sample is not the first graphs the Node-only test already runs. */
const FIRST_SEED = 100_000;
const PAGE = fileURLToPath(new URL('./examples-page/', import.meta.url));

const runtime = createNodeRuntime({ providers: ['cpu'], sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
const engine = createEngine(runtime, { registry });

interface Case {
  seed: number;
  compiled: CompiledPlan;
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

const toWire = (t: Tensor): WireTensor => ({
  dtype: t.dtype,
  dims: [...t.dims],
  data: t.data instanceof BigInt64Array ? Array.from(t.data, String) : Array.from(t.data as ArrayLike<number | string>),
});

function fromWire(w: WireTensor): Tensor {
  switch (w.dtype) {
    case 'float32':
      return { dtype: 'float32', dims: w.dims, data: Float32Array.from(w.data as number[]) };
    case 'int64':
      return { dtype: 'int64', dims: w.dims, data: BigInt64Array.from(w.data, (v) => BigInt(v)) };
    case 'int32':
      return { dtype: 'int32', dims: w.dims, data: Int32Array.from(w.data as number[]) };
    case 'uint8':
    case 'bool':
      return { dtype: w.dtype, dims: w.dims, data: Uint8Array.from(w.data as number[]) };
    default:
      return { dtype: 'string', dims: w.dims, data: w.data.map(String) };
  }
}

function writePlan(root: string, name: string, compiled: CompiledPlan): string {
  const base = `plans/${name}/`;
  const out = path.join(root, base);
  mkdirSync(path.join(out, 'assets'), { recursive: true });
  writeFileSync(path.join(out, 'plan.json'), JSON.stringify(compiled.plan));
  for (const [model, bytes] of Object.entries(compiled.models)) writeFileSync(path.join(out, model), bytes);
  for (const [asset, bytes] of Object.entries(compiled.assets ?? {})) writeFileSync(path.join(out, 'assets', asset), bytes);
  return `./${base}`;
}

const fixedSizeImage: GraphDoc = {
  format: 'modalflow.graph', version: 1, meta: { title: 'fixed-size preprocessing' }, seed: 1,
  nodes: [
    { id: 'img', type: 'input.image', typeVersion: 1, params: { height: 45, width: 61 } },
    { id: 'pre', type: 'preprocess.image', typeVersion: 1, params: { resize: 20, crop: 20 } },
    { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
  ],
  edges: [{ from: ['img', 'pixels'], to: ['pre', 'image'] }, { from: ['pre', 'pixel_values'], to: ['out', 'value'] }],
};

const cases: Case[] = [];
let opened: TestPage | undefined;

beforeAll(async () => {
  const pageReady = openTestPage(PAGE);
  pageReady.catch(() => undefined);
  for (let seed = FIRST_SEED; cases.length < SAMPLE && seed < FIRST_SEED + SAMPLE * 3; seed++) {
    const { doc } = randomGraph(registry, seed, { ops: 4 });
    const r = await runCase(doc, registry, engine, seed);
    if (r.stage === 'executed' && r.whole) cases.push({ seed, ...r.whole });
  }
  // Pillow's resize as integer matrix products (preprocess.image on a fixed picture size): int32
  // MatMul must give the same bytes in the browser's build.
  const pillow = await runCase(fixedSizeImage, registry, engine, 1);
  if (pillow.whole) cases.push({ seed: 0, ...pillow.whole });
  opened = await pageReady;
}, 300_000);

afterAll(async () => {
  await opened?.page.evaluate(() => (globalThis as unknown as { examples: ExamplesPageApi }).examples.close()).catch(() => undefined);
  await opened?.close();
});

describe('random graphs on onnxruntime-web (wasm) in Chromium', () => {
  it(`${SAMPLE} of them give what onnxruntime-node gives`, { timeout: 300_000 }, async () => {
    expect(cases.length).toBe(SAMPLE + 1);
    const { page, dist, logs } = opened!;
    let worst = 0;
    for (const c of cases) {
      const req: PlanRequest = { base: writePlan(dist, `random-${c.seed}`, c.compiled), inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, toWire(t)])), provider: 'wasm' };
      const r: PlanResult = await page.evaluate((q) => (globalThis as unknown as { examples: ExamplesPageApi }).examples.runPlan(q), req);
      expect(r.error, `seed ${c.seed}: ${JSON.stringify(r.error)}\n${logs.slice(-20).join('\n')}`).toBeUndefined();
      expect(Object.keys(r.outputs!).sort(), `seed ${c.seed}`).toEqual(Object.keys(c.outputs).sort());
      for (const [name, want] of Object.entries(c.outputs)) {
        const d = tensorDiff(fromWire(r.outputs![name]!), want);
        expect(d, `seed ${c.seed}, output ${name}`).toBeLessThan(TOLERANCE);
        worst = Math.max(worst, d);
      }
    }
    console.log(`random graphs in Chromium: ${cases.length - 1} and the fixed-size preprocessing graph agree with onnxruntime-node; largest scaled difference ${worst.toExponential(2)}`);
  });
});
