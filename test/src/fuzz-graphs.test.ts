import { describe, expect, it } from 'vitest';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { registry } from './fixtures.ts';
import { randomGraph } from './fuzz/random-graph.ts';
import { emptyStages, runCase, type CaseResult } from './fuzz/granularities.ts';

/**
 * Metamorphic fuzzing: random graphs drawn from the registry (./fuzz/random-graph.ts) are
 * validated from their JSON text, compiled at granularity `whole`, `segments` and `per-node`, and
 * run on onnxruntime-node with the same inputs. The three must agree to 1e-6 of each output's
 * largest magnitude (at least 1; see tensorDiff), and every output must have the shape analysis inferred for it.
 *
 * A run may be refused by the runtime when an integer input holds an index the graph cannot
 * take: ports carry dtypes and shapes, not value ranges, so a tokenizer with 84 words can feed an
 * embedding table of 6 rows and no analysis can tell. Those are counted and must stay rare;
 * anything else that fails after validation is a bug.
 */

const EXECUTED = 1000;
const TOLERANCE = 1e-6;
/** Op nodes each graph tries to grow to; small, so that a per-node run is a handful of sessions. */
const OPS = 4;
/** Cases in flight: session creation waits on native threads, so two overlap well. */
const CONCURRENCY = 2;

// One intra-op thread per session: a tiny model gains nothing from a pool, and creating one per
// session was most of the cost of this test.
const runtime = createNodeRuntime({ providers: ['cpu'], sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
const engine = createEngine(runtime, { registry });

const isIndexRefusal = (detail = '') => /^(whole|segments|per-node): RUNTIME_RUN_FAILED: .*(out of data bounds|Out of range value in index|within bounds of 'data')/.test(detail);

describe('random graphs from the registry', () => {
  it(`${EXECUTED} of them run alike at every granularity`, { timeout: 900_000 }, async () => {
    const stages = { ...emptyStages(), refusedAtRun: 0, sharedRuns: 0 };
    const failures: string[] = [];
    const disagreements: string[] = [];
    const coverage = new Map<string, number>();
    const ms = { generate: 0, validate: 0, compile: 0, load: 0, run: 0 };
    let seed = 0;
    const t0 = performance.now();

    const one = async (s: number) => {
      const t = performance.now();
      const { doc } = randomGraph(registry, s, { ops: OPS });
      ms.generate += performance.now() - t;
      stages.generated++;
      const r: CaseResult = await runCase(doc, registry, engine, s);
      for (const k of ['validate', 'compile', 'load', 'run'] as const) ms[k] += r.ms[k];
      stages.sharedRuns += r.shared;
      if (r.stage === 'refused') return void failures.push(`seed ${s}: generated but refused: ${r.detail}`);
      stages.validated++;
      if (r.stage === 'compile-error') return void failures.push(`seed ${s}: validated but did not compile: ${r.detail}`);
      stages.compiled++;
      if (r.stage === 'run-error') {
        if (isIndexRefusal(r.detail)) stages.refusedAtRun++;
        else failures.push(`seed ${s}: compiled but did not run: ${r.detail}`);
        return;
      }
      stages.executed++;
      for (const n of doc.nodes) coverage.set(n.type, (coverage.get(n.type) ?? 0) + 1);
      const bad = Object.entries(r.diffs).filter(([, d]) => !(d <= TOLERANCE));
      if (bad.length) {
        stages.disagreements++;
        disagreements.push(`seed ${s}: ${bad.map(([o, d]) => `${o} differs by ${d}`).join(', ')}`);
      }
      if (r.shapeErrors.length) {
        stages.shapeMismatches++;
        failures.push(`seed ${s}: ${r.shapeErrors.join('; ')}`);
      }
    };

    const worker = async () => {
      while (stages.executed < EXECUTED && seed < EXECUTED * 1.2) await one(++seed);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const types = registry.list().filter((d) => d.role === 'op').map((d) => d.type);
    const unexercised = types.filter((t) => !coverage.has(t));
    const round = (x: number) => Math.round(x / 1000);
    console.log([
      `random graphs: ${JSON.stringify(stages)}`,
      `  seconds: total ${round(performance.now() - t0)}, summed over cases: ${JSON.stringify(Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v)])))}`,
      `  op types in executed graphs: ${types.length - unexercised.length} of ${types.length}; never: ${unexercised.join(', ') || 'none'}`,
      ...failures.slice(0, 20).map((f) => `  ${f.slice(0, 400)}`),
      ...disagreements.slice(0, 20).map((f) => `  ${f}`),
    ].join('\n'));

    expect(failures).toEqual([]);
    expect(disagreements).toEqual([]);
    expect(stages.executed).toBeGreaterThanOrEqual(EXECUTED);
    expect(stages.refusedAtRun).toBeLessThan(stages.generated * 0.02);
    // Types no random graph can hold: a tokenizer or model file they would have to name, and a
    // decoding loop, which validation refuses unless a decoder's logits feed it (a pairing random
    // wiring of four nodes does not make; test/src/generate.test.ts checks the loop itself).
    expect(unexercised.sort()).toEqual(['head.generate', 'model.onnx', 'text.tokenize']);
  });
});
