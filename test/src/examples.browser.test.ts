import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraph, type Tensor } from '@modalflow/core';
import { compileGraph, type CompiledPlan } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { decodeModel } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { openTestPage, type TestPage } from './browser-page.ts';
import type { ExamplesPageApi, PlanRequest, PlanResult, WireTensor } from './examples.browser-wire.ts';
import { ROOT, registry } from './fixtures.ts';
import { sampleInputs } from './sample-inputs.ts';

/**
 * Every example's tiny graph, compiled once in Node, run on onnxruntime-node (cpu) and then, the
 * very same model bytes and inputs, on onnxruntime-web's wasm provider in Chromium's worker
 * runtime. What this guards: a lowering that onnxruntime-node accepts but the web build rejects
 * or computes differently would otherwise only show up in the editor.
 *
 * Compiled plans are served next to the page rather than passed through page.evaluate, so the
 * bytes the browser loads are exactly the files Node ran. One Chromium, one page and one ORT
 * worker serve every example: starting those is most of the cost.
 */

const TOLERANCE = 1e-4;
const PAGE = fileURLToPath(new URL('./examples-page/', import.meta.url));
const dir = `${ROOT}examples/`;

interface Expect {
  tiny?: { outputs?: Record<string, number[]>; inputs?: { batch?: number; other?: number } };
}

// Discovered as examples.test.ts does, so a new example is covered here without listing it.
const examples = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${dir}${d.name}/graph.json`) && existsSync(`${dir}${d.name}/tiny.json`))
  .map((d) => d.name)
  .sort();

const expectOf = (name: string): Expect => (existsSync(`${dir}${name}/expect.json`) ? JSON.parse(readFileSync(`${dir}${name}/expect.json`, 'utf8')) : {});

interface Prepared {
  compiled: CompiledPlan;
  /** Node type of every graph node, to name what failed. */
  types: Map<string, string>;
  inputs: Record<string, WireTensor>;
  outputs: Record<string, WireTensor>;
  nodeMs: number;
}

function toWire(t: Tensor): WireTensor {
  const data = t.data instanceof BigInt64Array ? Array.from(t.data, String) : Array.from(t.data as ArrayLike<number | string>);
  return { dtype: t.dtype, dims: [...t.dims], data };
}

const runtime = createNodeRuntime({ providers: ['cpu'] });
const nodeEngine = createEngine(runtime, { registry });

async function prepare(name: string): Promise<Prepared> {
  const file = `${name}/tiny.json`;
  const doc = parseGraph(readFileSync(`${dir}${file}`, 'utf8'), { file });
  const compiled = compileGraph(doc, registry, { file });
  const raw = sampleInputs(compiled.plan, expectOf(name).tiny?.inputs);
  // Serialised before the run, so whatever a runtime does to its feeds the page gets the originals.
  const inputs = Object.fromEntries(Object.entries(raw).map(([k, t]) => [k, toWire(t)]));
  const program = await nodeEngine.load(compiled);
  try {
    const t0 = performance.now();
    const { outputs } = await program.run(raw, { cache: false });
    const nodeMs = performance.now() - t0;
    return {
      compiled,
      types: new Map(doc.nodes.map((n) => [n.id, n.type])),
      inputs,
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, toWire(t)])),
      nodeMs,
    };
  } finally {
    await program.release();
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

const prepared = new Map<string, Prepared | Error>();
let opened: TestPage | undefined;
let dist: string;
let page: Page;
let logs: string[] = [];
const summary: string[] = [];

async function openPage(): Promise<void> {
  opened = await openTestPage(PAGE);
  ({ page, logs, dist } = opened);
}

beforeAll(async () => {
  // The page build runs on rolldown's own threads, so the Node side is prepared meanwhile.
  const pageReady = openPage();
  // Awaited below; the handler only stops an early failure being reported as unhandled meanwhile.
  pageReady.catch(() => undefined);
  for (const name of examples) {
    try {
      prepared.set(name, await prepare(name));
    } catch (e) {
      prepared.set(name, e as Error);
    }
  }
  await pageReady;
}, 180_000);

afterAll(async () => {
  await page?.evaluate(() => (globalThis as unknown as { examples: ExamplesPageApi }).examples.close()).catch(() => undefined);
  await opened?.close();
  if (process.env.MODALFLOW_EXAMPLES_REPORT) console.log(summary.join('\n'));
});

function runInPage(req: PlanRequest): Promise<PlanResult> {
  return page
    .evaluate((r) => (globalThis as unknown as { examples: ExamplesPageApi }).examples.runPlan(r), req)
    .catch((e: Error) => {
      throw new Error(`${e.message}\n${logs.slice(-40).join('\n')}`);
    });
}

/** Names the stage, its graph nodes with their types and the ONNX ops it holds. */
function describeFailure(name: string, p: Prepared, r: PlanResult, provider: string, logFrom: number): string {
  const e = r.error!;
  const stage = p.compiled.plan.stages.find((s) => s.id === e.stage);
  const lines = [`${name}: ${e.phase} failed on ${provider}: ${e.message.startsWith(e.code) ? '' : `${e.code}: `}${e.message}`];
  if (stage) {
    lines.push(`  stage ${stage.id} (${stage.kind}) computes ${stage.nodes.map((n) => `${n} [${p.types.get(n) ?? '?'}]`).join(', ')}`);
    if (stage.kind === 'onnx') lines.push(`  its ops: ${decodeModel(p.compiled.models[stage.model]!).opTypes.join(', ')}`);
  }
  const tail = logs.slice(logFrom).slice(-20);
  if (tail.length) lines.push('  page log:', ...tail.map((l) => `    ${l}`));
  return lines.join('\n');
}

const isFloat = (dtype: string) => dtype === 'float32' || dtype === 'float16';

/**
 * Largest |web - node| / max(1, |node|): an absolute difference for values up to 1 and a relative
 * one above, since a float32 of a few thousand (a BCE loss summed over 3,129 answers) is 2^-12
 * from its neighbours and any other summation order moves it by that much.
 * Positions where both hold the same non-finite value count as equal.
 */
function maxDiff(web: WireTensor['data'], node: WireTensor['data']): { abs: number; scaled: number } {
  let abs = 0, scaled = 0;
  for (let k = 0; k < node.length; k++) {
    const x = web[k] as number, y = node[k] as number;
    if (Object.is(x, y)) continue;
    const d = Math.abs(x - y);
    if (Number.isNaN(d)) return { abs: Infinity, scaled: Infinity };
    abs = Math.max(abs, d);
    scaled = Math.max(scaled, d / Math.max(1, Math.abs(y)));
  }
  return { abs, scaled };
}

/** Compares every output and returns the largest float difference per output. */
function compare(name: string, node: Record<string, WireTensor>, web: Record<string, WireTensor>): Record<string, { abs: number; scaled: number }> {
  expect(Object.keys(web).sort(), `${name}: output names`).toEqual(Object.keys(node).sort());
  const diffs: Record<string, { abs: number; scaled: number }> = {};
  for (const [out, ref] of Object.entries(node)) {
    const got = web[out]!;
    expect(got.dims, `${name}.${out}: dims`).toEqual(ref.dims);
    expect(got.dtype, `${name}.${out}: dtype`).toBe(ref.dtype);
    expect(got.data.length, `${name}.${out}: element count`).toBe(ref.data.length);
    if (isFloat(ref.dtype)) {
      diffs[out] = maxDiff(got.data, ref.data);
    } else {
      expect(got.data, `${name}.${out}: values`).toEqual(ref.data);
    }
  }
  for (const [out, d] of Object.entries(diffs)) {
    expect(d.scaled, `${name}.${out}: max |web - node| / max(1, |node|) (largest absolute difference ${d.abs})`).toBeLessThan(TOLERANCE);
  }
  return diffs;
}

const fmt = (diffs: Record<string, { abs: number; scaled: number }>) =>
  Object.entries(diffs)
    .map(([k, d]) => `${k} ${d.abs.toExponential(1)}${d.scaled !== d.abs ? ` (relative ${d.scaled.toExponential(1)})` : ''}`)
    .join(', ');

async function check(name: string, provider: PlanRequest['provider']): Promise<PlanResult> {
  const p = prepared.get(name);
  if (!p) throw new Error(`${name}: not prepared`);
  if (p instanceof Error) throw new Error(`${name}: compiling or running in Node failed, so there is nothing to compare with: ${p.message}`);
  const base = writePlan(dist, name, p.compiled);
  const logFrom = logs.length;
  const r = await runInPage({ base, inputs: p.inputs, provider });
  if (r.error) expect.fail(describeFailure(name, p, r, provider, logFrom));
  for (const [stage, s] of Object.entries(r.providers!)) expect(s.provider, `${name} stage ${stage}: provider`).toBe(provider);
  const diffs = compare(name, p.outputs, r.outputs!);
  const fallback = Object.entries(r.providers!).filter(([, s]) => s.cpuFallback).map(([k]) => k);
  summary.push(
    `${name} [${provider}]: node ${p.nodeMs.toFixed(0)} ms, web load ${r.loadMs.toFixed(0)} ms run ${r.runMs.toFixed(0)} ms; ${fmt(diffs)}` +
      (fallback.length ? `; cpu fallback in ${fallback.join(', ')}` : ''),
  );
  return r;
}

describe('every example\'s tiny graph in Chromium through runtime-web', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('%s on wasm (worker) gives onnxruntime-node\'s outputs', async (name) => {
    await check(name, 'wasm');
  });

  it('late-fusion on webgpu (worker) gives onnxruntime-node\'s outputs', async () => {
    expect(examples).toContain('late-fusion');
    await check('late-fusion', 'webgpu');
  });
});
