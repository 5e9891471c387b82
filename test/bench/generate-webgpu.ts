/**
 * Generation on onnxruntime-node's WebGPU provider, run by bench/generate.ts in a process of its
 * own (the Vulkan driver is chosen from the environment at start, and a hung or crashing driver
 * must not take the main bench with it). Prints one JSON object: tokens/s with the cache, the
 * provider the sessions ran on, and whether the tokens equal the CPU provider's.
 */
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type EngineEvent } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { WEBGPU_DECODER as size, decoderGraph } from './decoder-graph.ts';
import { floats, registry } from '../src/fixtures.ts';
import { median, round } from './stats.ts';

const RUNS = 3;
const memory = floats([1, size.memory, size.dim], 5);
const compiled = () => compileGraph(decoderGraph(size, true, 'greedy'), registry);

async function generate(provider: 'webgpu' | 'cpu', runs: number) {
  const engine = createEngine(createNodeRuntime({ providers: [provider] }), { registry });
  const t0 = performance.now();
  const program = await engine.load(compiled(), { providers: [provider] });
  const loadMs = performance.now() - t0;
  const providers = Object.values(program.providers);
  const used = providers.map((p) => p.provider);
  if (used.some((p) => p !== provider)) {
    const why = providers.flatMap((p) => p.skipped.map((s) => `${s.provider}: ${s.reason}`));
    throw new Error(`sessions ran on ${used.join(', ')}, not ${provider}${why.length ? `: ${why[0]}` : ''}`);
  }
  const rates: number[] = [];
  let tokens = '';
  for (let r = 0; r < runs + 1; r++) {
    let rate = 0;
    const { outputs } = await program.run({ mem: memory }, { cache: false, onEvent: (e: EngineEvent) => void (e.type === 'generate-end' && (rate = e.tokensPerSecond)) });
    if (r > 0) rates.push(rate);
    tokens = Array.from(outputs['tokens']!.data as BigInt64Array).join(',');
  }
  await program.release();
  return { rate: round(median(rates), 1), tokens, loadMs: round(loadMs, 1), cpuFallback: providers.some((p) => p.cpuFallback) };
}

const cpu = await generate('cpu', RUNS);
let out: Record<string, unknown>;
try {
  const gpu = await generate('webgpu', RUNS);
  out = {
    decoder: size.label, tokens: size.tokens, runs: RUNS, node_webgpu_with_cache_tokens_per_s: gpu.rate, node_cpu_with_cache_tokens_per_s: cpu.rate,
    webgpu_load_ms: gpu.loadMs, webgpu_cpu_fallback: gpu.cpuFallback, same_tokens_as_cpu: gpu.tokens === cpu.tokens,
  };
} catch (e) {
  out = { decoder: size.label, tokens: size.tokens, node_cpu_with_cache_tokens_per_s: cpu.rate, node_webgpu_error: (e as Error).message };
}
process.stdout.write(JSON.stringify(out) + '\n');
