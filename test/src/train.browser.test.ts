import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { openTestPage, type TestPage } from './browser-page.ts';
import { ROOT, registry } from './fixtures.ts';
import { batchesFor } from './train-batches.ts';
import { setupFor } from './train-setup.ts';
import type { TrainPageApi, TrainReply, TrainRequest } from './train-wire.ts';

/**
 * The same 20 training steps of the tiny CLIP graph in Node (onnxruntime-node, cpu) and in
 * Chromium (onnxruntime-web): the page prepares, differentiates and compiles the train step
 * itself from the graph text, so this checks the whole training path in the browser, not
 * only the runtime. wasm must agree with Node to 1e-4; WebGPU (a software adapter here) runs
 * other kernels and summation orders, so it is held to 1e-3.
 */

const PAGE = fileURLToPath(new URL('./train-page/', import.meta.url));
const GRAPHS = {
  clip: readFileSync(`${ROOT}examples/clip/tiny.json`, 'utf8'),
  'late-fusion': readFileSync(`${ROOT}examples/late-fusion/tiny.json`, 'utf8'),
};
const STEPS = 20;
const BATCH = 8;
const SEED = 5;

let opened: TestPage | undefined;
let page: Page;
let logs: string[] = [];

type Example = keyof typeof GRAPHS;

async function nodeRun(example: Example, optimizer: 'adamw' | 'sgd'): Promise<{ losses: number[]; weights: Map<string, Float32Array> }> {
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const program = await engine.train(setupFor(GRAPHS[example], registry, optimizer), { providers: ['cpu'] });
  const losses: number[] = [];
  for (const batch of batchesFor(example, STEPS, BATCH, SEED)) losses.push((await program.step(batch)).loss);
  const weights = new Map([...(await program.weights())].map(([k, t]) => [k, t.data as Float32Array]));
  await program.release();
  return { losses, weights };
}

beforeAll(async () => {
  opened = await openTestPage(PAGE);
  ({ page, logs } = opened);
}, 180_000);

afterAll(async () => {
  await opened?.close();
});

async function inPage(req: TrainRequest): Promise<TrainReply> {
  const reply = await page.evaluate((r) => (globalThis as unknown as { training: TrainPageApi }).training.train(r), req);
  if (reply.error) throw new Error(`${reply.error}\n${logs.slice(-30).join('\n')}`);
  return reply;
}

/**
 * Attention key biases get a gradient that is zero in exact arithmetic (adding a constant to
 * every key of a query leaves its softmax unchanged), so what reaches them is rounding noise,
 * and AdamW divides it by its own size: their updates follow the noise of whichever runtime
 * computed them (PyTorch's included) and are not comparable across runtimes.
 */
const NOISE_DRIVEN = /\.k_proj\.bias$/;

/** Largest |a - b| / max(1, |b|) over every weight, with the weight it occurred in. */
function worstWeight(web: Record<string, number[]>, node: Map<string, Float32Array>): { name: string; diff: number } {
  let worst = { name: '', diff: 0 };
  for (const [name, ref] of node) {
    if (NOISE_DRIVEN.test(name)) continue;
    const got = web[name];
    expect(got, `weight ${name} in the browser`).toBeDefined();
    expect(got!.length, `weight ${name}: size`).toBe(ref.length);
    for (let k = 0; k < ref.length; k++) {
      const d = Math.abs(got![k]! - ref[k]!) / Math.max(1, Math.abs(ref[k]!));
      if (!(d <= worst.diff)) worst = { name, diff: d };
    }
  }
  return worst;
}

/**
 * wasm runs the tiny CLIP (patch embedding, two transformers, contrastive loss) and late fusion;
 * WebGPU runs late fusion, because the software adapter here spends minutes compiling the
 * shaders of the CLIP step (`npm run bench` measures it).
 */
const CASES: [Example, 'wasm' | 'webgpu', 'adamw' | 'sgd', number][] = [
  ['clip', 'wasm', 'adamw', 1e-4],
  ['late-fusion', 'wasm', 'sgd', 1e-4],
  ['late-fusion', 'webgpu', 'adamw', 1e-3],
];

describe('training in Chromium matches training in Node', () => {
  it.each(CASES)('%s: 20 steps on %s with %s within %s', async (example, provider, optimizer, tolerance) => {
    const node = await nodeRun(example, optimizer);
    const web = await inPage({ example, graph: GRAPHS[example], provider, steps: STEPS, batchSize: BATCH, seed: SEED, optimizer });
    expect(web.provider).toBe(provider);
    expect(web.losses).toHaveLength(STEPS);
    web.losses!.forEach((l, k) => expect(Math.abs(l - node.losses[k]!) / Math.max(1, Math.abs(node.losses[k]!)), `loss at step ${k + 1} (web ${l}, node ${node.losses[k]})`).toBeLessThan(tolerance));
    // The steps did move the weights: agreeing on weights that never changed would prove nothing.
    const initial = setupFor(GRAPHS[example], registry, optimizer).initial;
    const moved = [...node.weights].some(([name, w]) => w.some((v, k) => Math.abs(v - (initial.get(name)!.data as Float32Array)[k]!) > 1e-3));
    expect(moved).toBe(true);
    const worst = worstWeight(web.weights!, node.weights);
    expect(worst.diff, `worst weight ${worst.name}`).toBeLessThan(tolerance);
  }, 300_000);
});
