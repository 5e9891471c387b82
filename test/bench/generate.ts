/**
 * Generation speed with and without the key/value cache, printed as JSON (`npm run bench generate`).
 * The same decoder, weights and encoder states generate the same tokens both ways (the tests
 * check that); the cache only saves recomputing the prefix. No stop token, so every run writes
 * exactly max_length tokens.
 */
import { compileGraph } from '@modalflow/compiler';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type EngineEvent, type Program } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import type { Tensor } from '@modalflow/core';
import { DECODER_SIZES, WEBGPU_DECODER, decoderGraph as graph, type DecoderSize as Size } from './decoder-graph.ts';
import { floats, registry } from '../src/fixtures.ts';
import { median, round, timePair } from './stats.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

async function measure(s: Size, strategy: string, runs: number) {
  const memory: Tensor = floats([1, s.memory, s.dim], 5);
  const out: Record<string, number> = {};
  const tokens: Record<string, string> = {};
  for (const useCache of [true, false]) {
    const program = await engine.load(compileGraph(graph(s, useCache, strategy), registry));
    const rates: number[] = [];
    for (let r = 0; r < runs + 1; r++) {
      let rate = 0;
      const { outputs } = await program.run({ mem: memory }, { cache: false, onEvent: (e: EngineEvent) => void (e.type === 'generate-end' && (rate = e.tokensPerSecond)) });
      if (r > 0) rates.push(rate); // the first run warms the session up
      tokens[String(useCache)] = Array.from(outputs['tokens']!.data as BigInt64Array).join(',');
    }
    await program.release();
    out[useCache ? 'with_cache_tokens_per_s' : 'without_cache_tokens_per_s'] = round(median(rates), 1);
  }
  log(`${s.label} ${strategy}: ${out['with_cache_tokens_per_s']} vs ${out['without_cache_tokens_per_s']} tokens/s`);
  return {
    decoder: s.label, strategy, tokens: s.tokens, runs, ...out,
    speedup: round(out['with_cache_tokens_per_s']! / out['without_cache_tokens_per_s']!, 2),
    same_tokens: tokens['true'] === tokens['false'],
  };
}

/**
 * Two ways of running the same loop, timed in turns within one run (the machine's load hits both
 * alike): `a` and `b` are programs compiled and loaded their own way; tokens must agree.
 */
async function pair(s: Size, strategy: string, runs: number, labels: [string, string], a: Program, b: Program) {
  const memory: Tensor = floats([1, s.memory, s.dim], 5);
  const tokens: string[] = ['', ''];
  const steps: number[] = [0, 0];
  const transfers: unknown[] = [undefined, undefined];
  const run = (p: Program, k: number) => async () => {
    const { outputs } = await p.run({ mem: memory }, {
      cache: false,
      onEvent: (e: EngineEvent) => {
        if (e.type !== 'generate-end') return;
        steps[k] = e.steps;
        transfers[k] = e.transfers;
      },
    });
    tokens[k] = Array.from(outputs['tokens']!.data as BigInt64Array).join(',');
  };
  const [ta, tb] = await timePair(run(a, 0), run(b, 1), runs);
  const rate = (ms: number[]) => round(s.tokens / (median(ms) / 1000), 1);
  await a.release();
  await b.release();
  const out = {
    decoder: s.label, strategy, tokens: s.tokens, runs, load_average: loadavg().map((x) => round(x, 2)),
    [`${labels[0]}_tokens_per_s`]: rate(ta), [`${labels[1]}_tokens_per_s`]: rate(tb),
    speedup: round(median(tb) / median(ta), 2), same_tokens: tokens[0] === tokens[1], steps: steps[0],
    [`${labels[0]}_transfers`]: transfers[0], [`${labels[1]}_transfers`]: transfers[1],
  };
  log(`${s.label} ${strategy}: ${labels[0]} ${out[`${labels[0]}_tokens_per_s`]} vs ${labels[1]} ${out[`${labels[1]}_tokens_per_s`]} tokens/s`);
  return out;
}

/** Cross-attention keys and values once per sequence (the default) against projecting the encoder states every step. */
async function crossOnce(s: Size, strategy: string, runs: number) {
  const load = (crossOnce: boolean) => engine.load(compileGraph(graph(s, true, strategy), registry, { crossOnce }));
  return pair(s, strategy, runs, ['cross_once', 'cross_every_step'], await load(true), await load(false));
}

/**
 * Beam search reordering the cache with the Gather model inside the runtime (the default)
 * against reading it back and reordering on the host, as a program without the reorder model does.
 */
async function beamReorder(s: Size, runs: number) {
  const compiled = compileGraph(graph(s, true, 'beam'), registry);
  const inRuntime = await engine.load(compiled);
  const onHost = await engine.load(compiled);
  // The engine loads the reorder model for every beam stage when the runtime keeps values; taking
  // it away leaves the host path the loop falls back to elsewhere.
  for (const loop of (onHost as unknown as { loopSessions: Map<string, { reorder?: { release(): Promise<void> } }> }).loopSessions.values()) {
    await loop.reorder?.release();
    delete loop.reorder;
  }
  return pair(s, 'beam', runs, ['reorder_in_runtime', 'reorder_on_host'], inRuntime, onHost);
}

const sizes = DECODER_SIZES;
const results = [];
for (const s of sizes) results.push(await measure(s, 'greedy', 3));
results.push(await measure(sizes[1]!, 'beam', 1));
// Shorter runs for the paired comparisons, so each pair alternates often within the same minutes;
// 197 encoder states are ViT-B/16's patches, what a captioning decoder cross-attends to.
const small32: Size = { ...sizes[1]!, label: 'small (dim 256, 4 layers, vocab 8000), 32 tokens', tokens: 32 };
const vit: Size = { ...small32, label: 'small (dim 256, 4 layers, vocab 8000), 197 encoder states, 32 tokens', memory: 197 };
const cross = [
  await crossOnce(sizes[0]!, 'greedy', 9), await crossOnce(small32, 'greedy', 9), await crossOnce(vit, 'greedy', 9), await crossOnce(vit, 'beam', 5),
];
const reorder = [await beamReorder(sizes[0]!, 9), await beamReorder(small32, 5)];
/**
 * onnxruntime-node's WebGPU provider on Chromium's software Vulkan driver (SwiftShader), in a
 * child process with the environment the driver needs, given five minutes.
 */
function nodeWebgpu(): Record<string, unknown> {
  log(`${WEBGPU_DECODER.label}: node webgpu (child process)`);
  const env = { ...process.env, LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };
  const file = fileURLToPath(new URL('./generate-webgpu.ts', import.meta.url));
  const r = spawnSync('npx', ['tsx', file], { env, encoding: 'utf8', timeout: 300_000, cwd: dirname(dirname(file)) });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (line) return { ...JSON.parse(line), load_average: loadavg().map((x) => round(x, 2)) };
  const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
  return { decoder: WEBGPU_DECODER.label, node_webgpu_error: `${why}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
}

const webgpu = nodeWebgpu();
process.stdout.write(JSON.stringify({ node: results, cross_keys_values: cross, beam_reorder: reorder, webgpu, provider: 'cpu' }, null, 2) + '\n');
