/**
 * Generation tokens/s with and without the key/value cache, Node CPU and Chromium (wasm in the
 * worker runtime) side by side, printed as JSON (`node scripts/bench.mjs generate_browser`).
 * tokens/s = generated tokens / median run time; no stop token, so every run writes max_length
 * tokens. WebGPU gets one row of its own, the tiny decoder writing 8 tokens with the cache: every
 * step has new shapes (the cache grows), and on Chromium's software adapter four runs of the tiny
 * decoder without the cache over 64 tokens did not finish in five minutes.
 */
import { loadavg } from 'node:os';
import { openHarness } from '../browser/harness.ts';
import { floats, runInNode } from '../browser/node-reference.ts';
import { DECODER_SIZES, WEBGPU_DECODER, decoderGraph } from '../../../test/bench/decoder-graph.ts';
import { median, round } from './stats.ts';

// Token ids arrive as bigints (int64); compared as text.
const same = (a: unknown, b: unknown) => JSON.stringify(a, big) === JSON.stringify(b, big);
const big = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const REPS = 3;
const WEBGPU_LIMIT_MS = 240_000;

/** Resolves with the call's result, or with the reason it failed or ran past the limit. */
async function attempt<T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<{ ok: false; error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `did not finish in ${ms / 1000} s` }), ms);
  });
  try {
    return await Promise.race([p.then((value) => ({ ok: true as const, value })), limit]);
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0]! };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The tiny decoder writing 8 tokens with the cache on WebGPU (the cache and the cross-attention
 * keys and values stay in GPU buffers; beam search reorders the cache there too), beside wasm;
 * tokens/s, or the concrete error. Last, as a run past the limit leaves the page busy.
 */
async function webgpuRow(strategy: 'greedy' | 'beam'): Promise<Record<string, unknown>> {
  const size = WEBGPU_DECODER;
  const graph = JSON.stringify(decoderGraph(size, true, strategy));
  const inputs = { mem: floats([1, size.memory, size.dim], 5) };
  const providers = await harness.call('providers');
  const row: Record<string, unknown> = {
    decoder: size.label, tokens: size.tokens, strategy, runs: REPS,
    webgpu_adapter: providers.find((p) => p.provider === 'webgpu')?.adapter ?? 'none',
  };
  log(`${size.label}, ${strategy}: node`);
  const node = await runInNode(graph, inputs, REPS);
  row['node_cpu_with_cache_tokens_per_s'] = round(size.tokens / (median(node.runMs) / 1000), 1);
  for (const provider of ['wasm', 'webgpu'] as const) {
    log(`${size.label}, ${strategy}: browser ${provider}`);
    const r = await attempt(harness.call('runGraph', { graph, inputs, reps: REPS, provider, where: 'worker' }), WEBGPU_LIMIT_MS);
    if (!r.ok) {
      row[`browser_${provider}_with_cache_error`] = r.error;
      continue;
    }
    row[`browser_${provider}_with_cache_tokens_per_s`] = round(size.tokens / (median(r.value.runMs) / 1000), 1);
    row[`browser_${provider}_first_run_ms`] = round(r.value.firstRunMs, 1);
    row[`browser_${provider}_same_tokens_as_node`] = same(r.value.outputs['tokens'], node.outputs['tokens']);
  }
  row['load_average'] = loadavg().map((x) => round(x, 2));
  return row;
}
const harness = await openHarness({ isolated: true });
try {
  const results = [];
  for (const size of DECODER_SIZES) {
    const row: Record<string, unknown> = { decoder: size.label, tokens: size.tokens, strategy: 'greedy', runs: REPS };
    const inputs = { mem: floats([1, size.memory, size.dim], 5) };
    for (const useCache of [true, false]) {
      const graph = JSON.stringify(decoderGraph(size, useCache, 'greedy'));
      const key = useCache ? 'with_cache' : 'without_cache';
      const rate = (ms: number[]) => round(size.tokens / (median(ms) / 1000), 1);
      log(`${size.label}, cache ${useCache ? 'on' : 'off'}: node`);
      const node = await runInNode(graph, inputs, REPS);
      row[`node_cpu_${key}_tokens_per_s`] = rate(node.runMs);
      for (const provider of ['wasm'] as const) {
        log(`${size.label}, cache ${useCache ? 'on' : 'off'}: browser ${provider}`);
        const r = await harness.call('runGraph', { graph, inputs, reps: REPS, provider, where: 'worker' });
        row[`browser_${provider}_${key}_tokens_per_s`] = rate(r.runMs);
        row[`browser_${provider}_${key}_same_tokens_as_node`] = same(r.outputs['tokens'], node.outputs['tokens']);
      }
    }
    results.push(row);
  }
  const webgpu = [await webgpuRow('greedy'), await webgpuRow('beam')];
  process.stdout.write(`${JSON.stringify({ results, webgpu }, null, 2)}\n`);
} finally {
  await harness.close();
}
