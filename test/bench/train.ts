/**
 * Training benchmarks, printed as JSON (collected with the other suites by `npm run bench`;
 * alone: `node scripts/bench.mjs train`). For tiny CLIP and tiny late fusion on fixed batches of
 * 32: one AdamW train step against the forward pass alone, at two levels (TrainProgram, and the
 * bare onnxruntime sessions of the step model and of the loss graph it differentiates), the step
 * model's compile time and size, PyTorch's CPU train step on the same weights and batches when
 * torch is installed, and `modalflow train` end to end. Timings only; tests never assert on them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGraph, type GraphDoc, type Tensor } from '@modalflow/core';
import {
  OPSET,
  PRODUCER,
  PRODUCER_VERSION,
  STEP_INPUT,
  buildEval,
  buildStep,
  compileGraph,
  initialState,
  lossGraph,
  prepareTraining,
  type BatchShapes,
  type TrainSetup,
} from '@modalflow/compiler';
import { addGradients, inferTypes } from '@modalflow/autodiff';
import { createEngine, type Program, type TrainEvent } from '@modalflow/engine';
import { decodeGraph, encodeModel, writeSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from '../src/fixtures.ts';
import { batchesFor } from '../src/train-batches.ts';
import { trainConfig } from '../src/train-setup.ts';
import { median, percentile, round } from './stats.ts';
import { lessonsBench } from './lessons.ts';

const BATCH = 32;
// Several distinct batches, cycled, so no run is timed on data a cache could have kept warm.
const BATCHES = 4;
// onnxruntime's CPU default is one intra-op thread per physical core; the count is set
// explicitly so that PyTorch gets exactly the same. One thread is measured as well: on a busy
// machine with few cores, thread pools that spin at barriers (PyTorch's OpenMP above all) lose
// most of their time to waiting for descheduled workers, and that is not what the model costs.
const THREADS = [...new Set([Number(process.env.MODALFLOW_BENCH_THREADS) || availableParallelism(), 1])];
// Debian's python3-torch, as for the parity fixtures; another interpreter can be named.
const PYTHON = process.env.MODALFLOW_BENCH_PYTHON || '/usr/bin/python3';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const engineFor = (threads: number) =>
  createEngine(createNodeRuntime({ providers: ['cpu'], sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 } }), {
    registry,
  });
const engine = engineFor(THREADS[0]!);

interface Case {
  name: 'clip' | 'late-fusion';
  /** The name make_training_fixtures.py knows the graph by. */
  torchName: 'clip' | 'late_fusion';
  file: string;
  /** Timed rounds at most, and the wall-clock budget after which fewer are accepted. */
  runs: number;
  budgetMs: number;
  /** `modalflow train` arguments besides the graph, batch size and --json. */
  cli: string[];
  cliSteps: number;
}

const CASES: Case[] = [
  {
    name: 'clip',
    torchName: 'clip',
    file: 'examples/clip/tiny.json',
    runs: 60,
    budgetMs: 60_000,
    cli: ['--data', 'world:shapes?count=2048&seed=1', '--lr', '2e-3', '--warmup', '50', '--clip-norm', '1', '--seed', '0'],
    cliSteps: 40,
  },
  {
    name: 'late-fusion',
    torchName: 'late_fusion',
    file: 'examples/late-fusion/tiny.json',
    runs: 400,
    budgetMs: 30_000,
    cli: ['--data', 'examples/late-fusion/data/train', '--eval', 'examples/late-fusion/data/eval', '--lr', '3e-3', '--seed', '0'],
    cliSteps: 320,
  },
];

const stats = (xs: number[]) => ({ median_ms: round(median(xs), 3), p90_ms: round(percentile(xs, 90), 3) });

/**
 * Times the functions round by round, rotating which goes first so machine noise (two shared
 * cores here) hits them alike; stops after `runs` rounds, or once `budgetMs` is spent and at
 * least a fifth of them are in. Each function gets the round number, to pick its batch.
 */
async function rounds(fns: ((k: number) => Promise<unknown>)[], runs: number, budgetMs: number, warmup = 5): Promise<number[][]> {
  for (let k = 0; k < warmup; k++) for (const f of fns) await f(k);
  const out = fns.map(() => [] as number[]);
  const t0 = performance.now();
  for (let k = 0; k < runs; k++) {
    for (let j = 0; j < fns.length; j++) {
      const which = (j + k) % fns.length;
      const s = performance.now();
      await fns[which]!(k);
      out[which]!.push(performance.now() - s);
    }
    if (k + 1 >= Math.ceil(runs / 5) && performance.now() - t0 > budgetMs) break;
  }
  return out;
}

/** The batch as the step model receives it: host-step results, else the raw inputs (as TrainProgram does). */
async function boundaryFeeds(setup: TrainSetup, prefix: Program, batch: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const values: Record<string, Tensor> = { ...(await prefix.run(batch, { cache: false })).outputs };
  for (const spec of prefix.plan.inputs) values[spec.tensor] = batch[spec.name]!;
  return Object.fromEntries(setup.boundary.filter((b) => values[b.tensor]).map((b) => [b.tensor, values[b.tensor]!]));
}

/**
 * preprocess.image is lowered into the CLIP step, so PyTorch (which starts at pixel values) gets
 * the values ModalFlow's preprocessing computes: the graph run forward with an extra output there.
 */
async function pixelValues(doc: GraphDoc, batch: Record<string, Tensor>): Promise<Tensor> {
  const probe: GraphDoc = {
    ...doc,
    nodes: [...doc.nodes, { id: 'bench_pixels', type: 'output.tensor', typeVersion: 1, params: {} }],
    edges: [...doc.edges, { from: ['preprocess', 'pixel_values'], to: ['bench_pixels', 'value'] }],
  };
  const program = await engine.load(compileGraph(probe, registry));
  const { outputs } = await program.run(batch, { cache: false });
  await program.release();
  return outputs['bench_pixels']!;
}

function torchAvailable(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${PYTHON} could not be started: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `${PYTHON} -c 'import torch' failed: ${(r.stderr || '').trim().split('\n').at(-1)}` };
  return { ok: true };
}

type TorchResult = Record<string, unknown> & { step: { median_ms: number }; forward: { median_ms: number }; forward_backward: { median_ms: number } };

/** Writes the seeded initial weights and the batches as the step receives them, for torch_train_step.py. */
async function torchInputs(c: Case, dir: string, doc: GraphDoc, setup: TrainSetup, prefix: Program, batches: Record<string, Tensor>[]): Promise<string> {
  const tensors = new Map<string, Tensor>();
  for (const [w, t] of setup.initial) tensors.set(`init.${w}`, t);
  for (const [k, batch] of batches.entries()) {
    for (const [id, t] of Object.entries(await boundaryFeeds(setup, prefix, batch))) tensors.set(`batch.${k}.${id}`, t);
    if (c.name === 'clip') tensors.set(`batch.${k}.preprocess.pixel_values`, await pixelValues(doc, batch));
  }
  const file = join(dir, `${c.torchName}.safetensors`);
  writeFileSync(file, writeSafetensors(tensors, { graph: c.torchName, params: JSON.stringify(setup.params.map((p) => p.name)), batches: String(batches.length) }));
  return file;
}

/** The same train step in PyTorch (test/bench/torch_train_step.py), on the same weights and batches. */
function torchStep(c: Case, file: string, threads: number): TorchResult | { error: string } {
  const args = [join(ROOT, 'test/bench/torch_train_step.py'), file, '--threads', String(threads), '--runs', String(c.runs), '--budget-s', String(c.budgetMs / 1000)];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) return { error: `exit ${r.status}: ${failure(r.stderr)}` };
  return JSON.parse(r.stdout) as TorchResult;
}

/** The lines of a failed command's stderr that say what went wrong. */
function failure(stderr: string): string {
  const lines = (stderr || '').split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /error|MF_/i.test(l));
  return (errors.length ? errors.slice(0, 3) : lines.slice(-3)).join(' | ');
}

/** `modalflow train` as a user runs it: process start, data loading, compile and every step. */
function cliRun(c: Case) {
  const args = [join(ROOT, 'apps/cli/bin/modalflow.js'), 'train', c.file, ...c.cli, '--steps', String(c.cliSteps), '--batch-size', String(BATCH), '--device', 'cpu', '--json'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) return { error: `exit ${r.status}: ${failure(r.stderr)}` };
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  const steps = events.filter((e) => e.type === 'step');
  const done = events.find((e) => e.type === 'done')!;
  // The first step compiles the step model; the steady rate leaves it out.
  const steady = steps.slice(1).map((e) => e.ms as number);
  return {
    command: `modalflow train ${c.file} ${[...c.cli, '--steps', String(c.cliSteps), '--batch-size', String(BATCH), '--device', 'cpu'].join(' ')}`,
    steps: steps.length,
    process_wall_s: round(wall, 2),
    train_loop_s: round(done.seconds, 2),
    examples_per_s: round((steps.length * BATCH) / done.seconds, 1),
    steady_examples_per_s: round((BATCH * 1000) / median(steady), 1),
    first_step_ms: round(steps[0]!.ms, 1),
    final_loss: round(done.loss, 4),
  };
}

async function trainBench(c: Case, torch: ReturnType<typeof torchAvailable>) {
  log(`train: ${c.name}…`);
  const doc = parseGraph(readFileSync(join(ROOT, c.file), 'utf8'), { file: c.file });
  const setup = prepareTraining(doc, registry, { file: c.file, train: trainConfig('adamw') });
  const batches = batchesFor(c.name, BATCHES, BATCH, 1);
  const prefix = await engine.load(setup.prefix, { providers: ['cpu'] });
  const feeds = await Promise.all(batches.map((b) => boundaryFeeds(setup, prefix, b)));
  const shapes: BatchShapes = Object.fromEntries(Object.entries(feeds[0]!).map(([k, t]) => [k, [...t.dims]]));

  // Compile: differentiating and encoding the step model, then onnxruntime's session creation
  // (graph optimisation included). Built a few times after a first, cold build.
  const buildMs: number[] = [];
  let step = buildStep(setup, shapes, setup.initial);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    step = buildStep(setup, shapes, setup.initial);
    buildMs.push(performance.now() - t0);
  }
  // The forward pass the step differentiates (same nodes, same inputs), down to the loss only.
  let t0 = performance.now();
  const fwd = lossGraph(setup, shapes, setup.initial);
  fwd.graph.addOutput(fwd.loss, 'float32', []);
  const fwdBytes = encodeModel(fwd.graph, { opset: OPSET, producerName: PRODUCER, producerVersion: PRODUCER_VERSION });
  const fwdBuildMs = performance.now() - t0;
  const evalNodes = decodeGraph(buildEval(setup, shapes, setup.initial).bytes).nodes.length;
  // Forward and backward alone: the loss and every weight's gradient, without the clipping and
  // the optimiser the step adds, so the backward's own cost can be told from the update's.
  const fb = lossGraph(setup, shapes, setup.initial);
  const grads = addGradients(inferTypes(fb.graph), fb.loss, fb.params);
  fb.graph.addOutput(fb.loss, 'float32', []);
  for (const p of fb.params) {
    const v = grads.get(p);
    if (v !== undefined) fb.graph.addOutput(fb.graph.op('Identity', [v]), 'float32');
  }
  const fbBytes = encodeModel(fb.graph, { opset: OPSET, producerName: PRODUCER, producerVersion: PRODUCER_VERSION });

  const state = initialState(step);
  const stepFeeds = feeds.map((f) => {
    const x: Record<string, Tensor> = { ...f };
    for (const p of step.params) x[p] = setup.initial.get(p)!;
    for (const s of step.state) x[s.name] = state.get(s.name)!;
    // Past the warm-up, so the schedule is at its plateau (it costs the same either way).
    x[STEP_INPUT] = { dtype: 'float32', dims: [], data: Float32Array.of(10) };
    return x;
  });
  const fwdFeeds = feeds.map((f) => {
    const x: Record<string, Tensor> = { ...f };
    for (const p of fwd.params) x[p] = setup.initial.get(p)!;
    return x;
  });

  const dir = mkdtempSync(join(tmpdir(), 'modalflow-bench-train-'));
  const torchFile = torch.ok ? await torchInputs(c, dir, doc, setup, prefix, batches) : undefined;
  await prefix.release();

  let compile: Record<string, number | null> = {};
  const byThreads: Record<string, unknown> = {};
  try {
    for (const threads of THREADS) {
      const eng = engineFor(threads);
      t0 = performance.now();
      const stepSession = await eng.runtime.createSession(step.bytes, { providers: ['cpu'], label: 'bench-step' });
      const stepSessionMs = performance.now() - t0;
      t0 = performance.now();
      const fwdSession = await eng.runtime.createSession(fwdBytes, { providers: ['cpu'], label: 'bench-forward' });
      const fwdSessionMs = performance.now() - t0;
      const fbSession = await eng.runtime.createSession(fbBytes, { providers: ['cpu'], label: 'bench-gradients' });
      // TrainProgram: host steps, tensor hand-over and weight bookkeeping included; evaluate is
      // its forward pass (the evaluation model also computes the graph's outputs). All five are
      // timed in the same rounds, so that the noise of the moment is shared by every figure.
      const compiles: Extract<TrainEvent, { type: 'compile' }>[] = [];
      const program = await eng.train(setup, { providers: ['cpu'], onEvent: (e) => void (e.type === 'compile' && compiles.push(e)) });
      log(`train: ${c.name}, ${threads} thread(s): sessions and TrainProgram…`);
      const [sStep, sFwd, sFb, pStep, pEval] = (await rounds(
        [
          (k) => stepSession.run(stepFeeds[k % BATCHES]!),
          (k) => fwdSession.run(fwdFeeds[k % BATCHES]!),
          (k) => fbSession.run(fwdFeeds[k % BATCHES]!),
          (k) => program.step(batches[k % BATCHES]!),
          (k) => program.evaluate(batches[k % BATCHES]!),
        ],
        c.runs,
        c.budgetMs,
      )) as [number[], number[], number[], number[], number[]];
      await stepSession.release();
      await fwdSession.release();
      await fbSession.release();
      await program.release();
      if (threads === THREADS[0]) {
        compile = {
          train_program_step: round(compiles.find((e) => e.kind === 'step')?.ms ?? NaN, 1),
          step_build_median: round(median(buildMs), 1),
          step_session_create: round(stepSessionMs, 1),
          forward_build: round(fwdBuildMs, 1),
          forward_session_create: round(fwdSessionMs, 1),
        };
      }

      let torchResult: TorchResult | { error: string } | null = null;
      if (torchFile) {
        log(`train: ${c.name}, ${threads} thread(s): PyTorch…`);
        torchResult = torchStep(c, torchFile, threads);
      }
      byThreads[String(threads)] = {
        session: {
          runs: sStep.length,
          step: stats(sStep),
          forward: stats(sFwd),
          forward_backward: stats(sFb),
          step_over_forward: round(median(sStep) / median(sFwd), 3),
          backward_over_forward: round((median(sFb) - median(sFwd)) / median(sFwd), 3),
          clip_and_update_ms: round(median(sStep) - median(sFb), 3),
        },
        train_program: {
          runs: pStep.length,
          step: stats(pStep),
          evaluate: stats(pEval),
          step_over_evaluate: round(median(pStep) / median(pEval), 3),
          examples_per_s: round((BATCH * 1000) / median(pStep), 1),
        },
        torch: torchResult,
        ...(torchResult && 'step' in torchResult
          ? {
              modalflow_over_torch: {
                train_program_step: round(median(pStep) / torchResult.step.median_ms, 3),
                session_step: round(median(sStep) / torchResult.step.median_ms, 3),
                session_forward: round(median(sFwd) / torchResult.forward.median_ms, 3),
                session_forward_backward: round(median(sFb) / torchResult.forward_backward.median_ms, 3),
              },
            }
          : {}),
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  log(`train: ${c.name}: modalflow train…`);
  return {
    graph: c.file,
    batch: BATCH,
    weights: setup.params.length,
    weight_values: setup.params.reduce((a, p) => a + p.dims.reduce((x, y) => x * y, 1), 0),
    onnx_nodes: { forward: fwd.graph.nodes.length, evaluation: evalNodes, forward_backward: fb.graph.nodes.length, step: decodeGraph(step.bytes).nodes.length },
    compile_ms: compile,
    threads: byThreads,
    cli: cliRun(c),
  };
}

const started = Date.now();
const torch = torchAvailable();
if (!torch.ok) log(`train: PyTorch left out (${torch.reason})`);
// `npx tsx bench/train.ts late-fusion` runs one graph.
const only = process.argv.slice(2);
const cases = CASES.filter((c) => !only.length || only.includes(c.name));
const results: Awaited<ReturnType<typeof trainBench>>[] = [];
for (const c of cases) results.push(await trainBench(c, torch));
const result = {
  bench: 'modalflow-train',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  threads: THREADS,
  optimizer: trainConfig('adamw'),
  note: 'step = forward + backward + clip + AdamW update; session = bare onnxruntime runs of the step model, of the loss graph it differentiates (forward) and of that graph with its gradients (forward_backward), on the same feeds; ratios are of medians; results by intra-op thread count, PyTorch given the same',
  torch: torch.ok ? { python: PYTHON } : null,
  ...(torch.ok ? {} : { torch_reason: torch.reason }),
  cases: Object.fromEntries(cases.map((c, k) => [c.name, results[k]])),
  // Steps per second of each lesson as `modalflow train` runs it (test/bench/lessons.ts).
  lessons: only.length ? undefined : lessonsBench(),
  total_s: round((Date.now() - started) / 1000, 1),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
