/**
 * Engine benchmarks, printed as JSON (collected with the other suites by `npm run bench`).
 * Timings only; tests never assert on them.
 */
import * as ort from 'onnxruntime-node';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import type { GraphDoc, Tensor } from '@modalflow/core';
import { example, floats, registry } from '../src/fixtures.ts';
import { chainGraph } from './graphs.ts';
import { median, round, time, timePair } from './stats.ts';
import { zeroShotBench } from './zero-shot.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** (a) The engine's per-run overhead against a bare onnxruntime session on the same model. */
async function engineOverhead(label: string, doc: GraphDoc, inputs: Record<string, Tensor>, runs: number) {
  const compiled = compileGraph(doc, registry, { granularity: 'whole' });
  const stage = compiled.plan.stages[0]!;
  const bytes = compiled.models[(stage as { model: string }).model]!;
  const program = await engine.load(compiled);
  const bare = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const feeds: Record<string, ort.Tensor> = {};
  for (const b of stage.inputs) {
    const t = inputs[compiled.plan.inputs.find((i) => i.tensor === b.tensor)!.name]!;
    feeds[b.name] = new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
  }
  const fetches = stage.outputs.map((o) => o.name);
  const [tProgram, tBare] = await timePair(() => program.run(inputs, { cache: false }), () => bare.run(feeds, fetches), runs);
  // With the cache on but every input new, a run also pays for hashing its inputs.
  const first = compiled.plan.inputs[0]!;
  const fresh = Array.from({ length: runs + Math.ceil(runs / 10) }, (_, k) => ({ ...inputs, [first.name]: floats(inputs[first.name]!.dims, 10 + k) }));
  let k = 0;
  const tMiss = await time(() => program.run(fresh[k++]!, { cache: true }), runs);
  await program.release();
  await bare.release();
  return {
    model: label,
    runs,
    bare_session_run_ms: round(median(tBare)),
    program_run_ms: round(median(tProgram)),
    overhead_us: round((median(tProgram) - median(tBare)) * 1000, 1),
    ratio: round(median(tProgram) / median(tBare), 3),
    program_run_cache_miss_ms: round(median(tMiss)),
    target_ratio: 1.02,
  };
}

/** (b) What fusing nodes into segments buys over one session per node. */
async function granularity(batch: number, runs: number) {
  const { doc } = example('late-fusion');
  const seg = await engine.load(compileGraph(doc, registry, { granularity: 'segments' }));
  const per = await engine.load(compileGraph(doc, registry, { granularity: 'per-node' }));
  const inputs = { text: floats([batch, 16], 1), image: floats([batch, 32], 2) };
  const [tSeg, tPer] = await timePair(() => seg.run(inputs, { cache: false }), () => per.run(inputs, { cache: false }), runs);
  const out = {
    batch,
    runs,
    segments: { stages: seg.plan.stages.length, median_ms: round(median(tSeg)) },
    per_node: { stages: per.plan.stages.length, median_ms: round(median(tPer)) },
    ratio_per_node_over_segments: round(median(tPer) / median(tSeg), 3),
  };
  await seg.release();
  await per.release();
  return out;
}

/** (c) Compile time of generated graphs; time per node should stay flat as graphs grow. */
async function compileScaling(sizes: number[]) {
  const rows = [];
  for (const n of sizes) {
    const doc = chainGraph(n);
    const runs = n >= 1000 ? 5 : 15;
    const t = await time(() => compileGraph(doc, registry), runs, 2);
    rows.push({ nodes: n, median_ms: round(median(t), 2), us_per_node: round((median(t) * 1000) / n, 1) });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  return { rows, growth: round(last.median_ms / first.median_ms / (last.nodes / first.nodes), 3), note: 'growth = (time ratio) / (size ratio); 1.0 is linear' };
}

const started = Date.now();
log('engine overhead…');
const a = [
  await engineOverhead('late-fusion example, batch 64', example('late-fusion').doc, { text: floats([64, 16], 1), image: floats([64, 32], 2) }, 400),
  await engineOverhead('chain of 48 nodes, width 256, batch 64', chainGraph(48, 256), { x: floats([64, 256], 3) }, 200),
];
log('granularity…');
const b = await granularity(64, 200);
log('compile scaling…');
const c = await compileScaling([10, 100, 1000]);
log('zero-shot…');
const d = await zeroShotBench();
const result = {
  bench: 'modalflow',
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  engine_overhead: a,
  granularity: b,
  compile_scaling: c,
  zero_shot: d,
  total_s: round((Date.now() - started) / 1000, 1),
};
const json = JSON.stringify(result, null, 2);
process.stdout.write(json + '\n');
