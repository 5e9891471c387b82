/**
 * `node scripts/bench.mjs worker_trip`: where a program-worker run's time goes, against the same
 * plan run by the engine on the page's own thread. Both are loaded in one page and run in
 * alternating turns, so whatever else the machine is doing hits both alike. Prints JSON.
 */
import { cpus, loadavg } from 'node:os';
import { openHarness } from '../browser/harness.ts';
import { exampleGraph, floats } from '../browser/node-reference.ts';
import type { PlainTensor, TripPhases } from '../browser/wire.ts';
import { chainGraph } from '../../../test/bench/graphs.ts';
import { median, quantile, round } from './stats.ts';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const BATCH = 64;
const REPS = Number(process.env['MODALFLOW_TRIP_REPS'] ?? 200);
const cases: { name: string; graph: string; inputs: Record<string, PlainTensor>; reps: number }[] = [
  { name: `late-fusion, batch ${BATCH}`, graph: exampleGraph('late-fusion'), inputs: { text: floats([BATCH, 16], 1), image: floats([BATCH, 32], 101) }, reps: REPS },
  { name: `chain of 48 linear/gelu/layer-norm nodes, width 256, batch ${BATCH}`, graph: JSON.stringify(chainGraph(48, 256)), inputs: { x: floats([BATCH, 256], 3) }, reps: Math.ceil(REPS / 4) },
];

const stats = (xs: number[]) => ({ median: round(median(xs), 3), p95: round(quantile(xs, 0.95), 3) });

const harness = await openHarness({ isolated: true });
try {
  const results = [];
  for (const c of cases) {
    // WebGPU here is a software adapter whose runs take seconds; opt in.
    for (const provider of process.env['MODALFLOW_TRIP_WEBGPU'] ? (['wasm', 'webgpu'] as const) : (['wasm'] as const)) {
      log(`${c.name}, ${provider}: ${c.reps} turns`);
      const load = loadavg()[0]!;
      const t = await harness.call('interleaved', { graph: c.graph, inputs: c.inputs, provider, reps: c.reps });
      const paired = t.programWorker.map((w, k) => w - t.inline[k]!);
      const phases: Record<string, { median: number; p95: number }> = {};
      for (const key of Object.keys(t.programWorkerPhases[0] ?? {}) as (keyof TripPhases)[]) phases[key] = stats(t.programWorkerPhases.map((p) => p[key] ?? 0));
      results.push({
        case: c.name,
        provider,
        turns: c.reps,
        load_average_1min: [round(load, 2), round(loadavg()[0]!, 2)],
        inline_ms: stats(t.inline),
        program_worker_ms: stats(t.programWorker),
        program_worker_with_signal_ms: stats(t.programWorkerCancellable),
        program_worker_with_signal_minus_inline_ms: stats(t.programWorkerCancellable.map((w, k) => w - t.inline[k]!)),
        page_engine_with_ort_worker_ms: stats(t.worker),
        empty_round_trip_ms: stats(t.ping),
        program_worker_minus_inline_ms: stats(paired),
        program_worker_phases_ms: phases,
        max_abs_diff_vs_inline: t.maxAbsDiff,
        target_program_worker_minus_inline_ms: 0.5,
      });
    }
  }
  log(`bare round trips: ${REPS} turns`);
  const load = loadavg()[0]!;
  const f = await harness.call('tripFloor', REPS);
  const floor = {
    what: 'a bare round trip to a worker in alternating turns: postMessage there and back (the program worker\'s ping), a comlink call to a worker that answers at once, and through shared memory with the worker polling (spin) or asleep in Atomics.wait (wait) while the page polls',
    turns: REPS,
    load_average_1min: [round(load, 2), round(loadavg()[0]!, 2)],
    cross_origin_isolated: f.crossOriginIsolated,
    message_ms: stats(f.message),
    comlink_call_ms: stats(f.comlink),
    comlink_minus_message_ms: stats(f.comlink.map((c, k) => c - f.message[k]!)),
    shared_memory_spin_ms: stats(f.spin),
    shared_memory_wait_ms: stats(f.wait),
  };
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: { cpus: cpus().length, node: process.version },
        notes: [
          'each turn runs inline, page engine + ORT worker, program worker, and program worker given an AbortSignal (as the editor runs it; each session run first yields a task in the worker so an abort is read) once, in rotating order, on fresh inputs; medians and p95 over turns',
          'program_worker_minus_inline_ms pairs each turn\'s two runs; empty_round_trip_ms is a message to the program worker and straight back, once per turn: the floor under any run there',
          'phases: pack = feeds packed on the page; toWorker = post to worker receive; workerQueue = receive to engine start; engine = the engine\'s run; workerReply = outputs packed and posted; toPage = worker post to page receive; resolve = page receive to the awaiting code running; pageLongTasksWhileReplyWaited = of toPage, time the page thread spent in long tasks (>= 50 ms) of its own',
        ],
        results,
        round_trip_floor: floor,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await harness.close();
}
