/**
 * `node scripts/bench.mjs late_fusion_turns`: the late-fusion example on wasm, inline and in the
 * program worker, 200 alternating turns. It needs nothing from the harness page but its
 * `interleaved` call, so the same file times older versions of the program worker too (check out
 * their `src` and `browser` folders, keep this file) for a before/after on the same machine.
 */
import { loadavg } from 'node:os';
import { openHarness } from '../browser/harness.ts';
import { exampleGraph, floats } from '../browser/node-reference.ts';
import { median, quantile, round } from './stats.ts';

const harness = await openHarness({ isolated: true });
try {
  const before = loadavg()[0]!;
  const inputs = { text: floats([64, 16], 1), image: floats([64, 32], 101) };
  const t = await harness.call('interleaved', { graph: exampleGraph('late-fusion'), inputs, provider: 'wasm', reps: 200 });
  const stats = (xs: number[]) => ({ median: round(median(xs), 3), p95: round(quantile(xs, 0.95), 3) });
  const report = {
    case: 'late-fusion, batch 64, wasm, 200 alternating turns',
    load_average_1min: [round(before, 2), round(loadavg()[0]!, 2)],
    inline_ms: stats(t.inline),
    program_worker_ms: stats(t.programWorker),
    program_worker_engine_ms: stats(t.programWorkerEngine),
    program_worker_minus_inline_ms: stats(t.programWorker.map((w, k) => w - t.inline[k]!)),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await harness.close();
}
