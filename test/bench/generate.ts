/**
 * Generation speed with and without the key/value cache, printed as JSON (`npm run bench generate`).
 * The same decoder, weights and encoder states generate the same tokens both ways (the tests
 * check that); the cache only saves recomputing the prefix. No stop token, so every run writes
 * exactly max_length tokens.
 */
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type EngineEvent } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import type { Tensor } from '@modalflow/core';
import { DECODER_SIZES, decoderGraph as graph, type DecoderSize as Size } from './decoder-graph.ts';
import { floats, registry } from '../src/fixtures.ts';
import { median, round } from './stats.ts';

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

const sizes = DECODER_SIZES;
const results = [];
for (const s of sizes) results.push(await measure(s, 'greedy', 3));
results.push(await measure(sizes[1]!, 'beam', 1));
process.stdout.write(JSON.stringify({ node: results, provider: 'cpu' }, null, 2) + '\n');
