/**
 * Generation tokens/s with and without the key/value cache, Node CPU and Chromium (wasm in the
 * worker runtime) side by side, printed as JSON (`node scripts/bench.mjs generate_browser`).
 * tokens/s = generated tokens / median run time; no stop token, so every run writes max_length
 * tokens. WebGPU is left out: every step has new shapes (the cache grows, or without it the
 * prefix does), and on Chromium's software adapter four runs of the tiny decoder without the
 * cache did not finish in five minutes.
 */
import { openHarness } from '../browser/harness.ts';
import { floats, runInNode } from '../browser/node-reference.ts';
import { DECODER_SIZES, decoderGraph } from '../../../test/bench/decoder-graph.ts';
import { median, round } from './stats.ts';

// Token ids arrive as bigints (int64); compared as text.
const same = (a: unknown, b: unknown) => JSON.stringify(a, big) === JSON.stringify(b, big);
const big = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const REPS = 3;
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
  process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
} finally {
  await harness.close();
}
