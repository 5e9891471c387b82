/**
 * `npm run bench -w @modalflow/runtime-web`: the same graphs on browser wasm, browser webgpu
 * and Node CPU in one run, printed as JSON on stdout (progress on stderr). Timings only.
 */
import { cpus } from 'node:os';
import { openHarness } from '../browser/harness.ts';
import { exampleGraph, floats, maxAbsDiff, runInNode, type NodeRun } from '../browser/node-reference.ts';
import type { GraphRunResult, PlainTensor } from '../browser/wire.ts';
// The generated chain the repository's own benchmarks use.
import { chainGraph } from '../../../test/bench/graphs.ts';
import { median, round } from './stats.ts';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

interface Case {
  name: string;
  graph: string;
  inputs: Record<string, PlainTensor>;
  reps: number;
}

const BATCH = 64;
const cases: Case[] = [
  {
    name: `late-fusion, batch ${BATCH}`,
    graph: exampleGraph('late-fusion'),
    inputs: { text: floats([BATCH, 16], 1), image: floats([BATCH, 32], 101) },
    reps: 30,
  },
  {
    name: `chain of 48 linear/gelu/layer-norm nodes, width 256, batch ${BATCH}`,
    graph: JSON.stringify(chainGraph(48, 256)),
    inputs: { x: floats([BATCH, 256], 3) },
    reps: 15,
  },
];

function summary(r: NodeRun | GraphRunResult, reference: NodeRun | undefined) {
  const diff = reference
    ? Math.max(...Object.keys(reference.outputs).map((k) => maxAbsDiff(r.outputs[k]!, reference.outputs[k]!)))
    : 0;
  return {
    median_run_ms: round(median(r.runMs)),
    first_run_ms: round(r.firstRunMs),
    session_create_ms: round(r.reloadMs ?? NaN),
    first_load_ms: round(r.loadMs),
    runs: r.runMs.length,
    ...(reference ? { max_abs_diff_vs_node: diff } : {}),
  };
}

// Cross-origin isolated, so the threaded wasm row can run; it changes nothing for the others.
const harness = await openHarness({ isolated: true });
try {
  const providers = await harness.call('providers');
  const adapter = providers.find((p) => p.provider === 'webgpu')?.adapter ?? 'none';
  const browserVersion = harness.page.context().browser()?.version() ?? (await harness.page.evaluate(() => navigator.userAgent));
  log('worker round trip');
  const trip = await harness.call('roundTrip', 200);
  const roundTrip = {
    what: 'one run of a one-node model (4 -> 3 linear, batch 1) on wasm: the cost of crossing to the worker and back',
    worker_median_ms: round(median(trip.worker), 3),
    inline_median_ms: round(median(trip.inline), 3),
  };
  const results = [];
  for (const c of cases) {
    log(c.name);
    const node = await runInNode(c.graph, c.inputs, c.reps);
    const targets: Record<string, ReturnType<typeof summary>> = { 'node-cpu': summary(node, undefined) };
    const rows = [
      ['browser-wasm', { provider: 'wasm', where: 'worker' }],
      ['browser-webgpu', { provider: 'webgpu', where: 'worker' }],
      ['browser-wasm-inline', { provider: 'wasm', where: 'inline' }],
      ['browser-webgpu-inline', { provider: 'webgpu', where: 'inline' }],
      ['browser-wasm-program-worker', { provider: 'wasm', where: 'program-worker' }],
      ['browser-webgpu-program-worker', { provider: 'webgpu', where: 'program-worker' }],
      ['browser-wasm-2-threads', { provider: 'wasm', where: 'worker', wasmThreads: 2 }],
    ] as const;
    for (const [label, target] of rows) {
      log(`  ${label}`);
      const r = await harness.call('runGraph', { graph: c.graph, inputs: c.inputs, reps: c.reps, reload: true, ...target });
      targets[label] = summary(r, node);
    }
    const interleaved: Record<string, unknown> = {};
    for (const provider of ['wasm', 'webgpu'] as const) {
      log(`  worker vs inline, interleaved, ${provider}`);
      const t = await harness.call('interleaved', { graph: c.graph, inputs: c.inputs, provider, reps: c.reps });
      interleaved[provider] = {
        inline_median_ms: round(median(t.inline), 3),
        worker_median_ms: round(median(t.worker), 3),
        program_worker_median_ms: round(median(t.programWorker), 3),
        program_worker_engine_median_ms: round(median(t.programWorkerEngine), 3),
        // Where the program worker's runs went (see bench/worker-trip.ts for the phases and p95).
        program_worker_phases_median_ms: Object.fromEntries(
          Object.keys(t.programWorkerPhases[0] ?? {}).map((k) => [k, round(median(t.programWorkerPhases.map((p) => (p as unknown as Record<string, number>)[k] ?? 0)), 3)]),
        ),
        empty_round_trip_median_ms: round(median(t.ping), 3),
        program_worker_minus_inline_ms: round(median(t.programWorker) - median(t.inline), 3),
        worker_minus_inline_ms: round(median(t.worker) - median(t.inline), 3),
        program_worker_max_abs_diff_vs_inline: t.maxAbsDiff,
        target_program_worker_minus_inline_ms: 0.5,
      };
    }
    results.push({ case: c.name, targets, worker_vs_inline_interleaved: interleaved });
  }
  const report = {
    machine: { cpus: cpus().length, node: process.version, chromium: browserVersion, webgpu_adapter: adapter },
    notes: [
      'browser rows run in a dedicated worker (the default) unless marked inline; wasm is single-threaded unless marked',
      'program-worker rows run the whole plan (engine, host steps, sessions) inside the worker, one message per run; plain worker rows keep the engine on the page and cross to the worker once per stage',
      'first_load_ms includes starting the worker and compiling ORT\'s 28 MB wasm; session_create_ms is a second load in the same runtime',
      'first_run_ms includes WebGPU shader compilation; median_run_ms is over the following runs',
    ],
    round_trip: roundTrip,
    results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await harness.close();
}
