/// <reference lib="webworker" />
import { expose } from 'comlink';
import { isModalflowError, readNpy, type AssetData, type GraphDoc, type Tensor } from '@modalflow/core';
import { analyzeOrThrow, carryWeights, prepareTraining } from '@modalflow/compiler';
import { Dataset, fewShot, fromRows, openManifest, type InputSpec } from '@modalflow/data';
import { readSafetensors } from '@modalflow/onnx';
import { HostSteps, createEngine, type TrainProgram } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { createInlineWebRuntime } from '@modalflow/runtime-web';
import { examplesOf, generateWorld, worldRow } from '@modalflow/world';
import { averageMetrics, headlineAccuracy } from './metrics.ts';
import type { EvalPoint, TrainRequest, TrainSetupInfo, TrainWorkerApi, TrainWorkerEvent, TrainedWeights, WireError } from './protocol.ts';
import { distinctCaptions, worldOptions } from './worldData.ts';
import { decodeImage } from '../run/decodeImage.ts';
import { warmOrt } from './warmOrt.ts';

// Preparing a run differentiates the graph and building each step model encodes ONNX on the
// CPU; onnxruntime-web then runs inline in this worker. None of it touches the page's thread,
// which only receives metrics and the small tensors its views draw.
const registry = createRegistry();
const hostSteps = HostSteps.fromRegistry(registry);

/** Held-out evaluation reads at most this many batches, so it costs a few steps' time, not an epoch's. */
const MAX_EVAL_BATCHES = 8;

interface Control {
  stop: boolean;
  paused: boolean;
  wake: (() => void) | null;
}

let control: Control = { stop: false, paused: false, wake: null };
let last: { program: TrainProgram; graphHash: string; close: () => Promise<void> } | null = null;
/** ORT's wasm being compiled ahead of the first run; a run waits for it rather than starting a second compile. */
let warming: Promise<void> | null = null;

function toWire(e: unknown): WireError {
  const error = e as Error;
  return { name: error?.name ?? 'Error', message: error?.message ?? String(e), ...(isModalflowError(e) ? { code: e.code, at: e.at, problems: e.problems } : {}) };
}

interface Sets {
  train: Dataset;
  heldOut: Dataset | null;
  novel: Dataset | null;
  view: Record<string, Tensor> | null;
  viewInfo: TrainSetupInfo['view'];
}

async function worldSets(req: TrainRequest, inputs: readonly InputSpec[]): Promise<Sets> {
  if (req.data.kind !== 'world') throw new Error('not a world');
  const world = generateWorld(worldOptions(req.data, inputs));
  const set = (split: 'train' | 'test' | 'heldout') => {
    const rows = examplesOf(world, split).map((e) => worldRow(e, inputs));
    return rows.length ? fromRows(rows, { inputs, name: `world (${split})`, extraColumns: 'ignore' }) : null;
  };
  const train = set('train');
  if (!train) throw new Error('the world has no training pictures; raise the count');
  const test = examplesOf(world, 'test');
  const viewExamples = distinctCaptions(test.length ? test : examplesOf(world, 'heldout'), req.viewSize);
  let view: Record<string, Tensor> | null = null;
  let viewInfo: TrainSetupInfo['view'] = null;
  if (viewExamples.length >= 2) {
    const rows = fromRows(viewExamples.map((e) => worldRow(e, inputs)), { inputs, extraColumns: 'ignore' });
    const batch = await rows.loadBatch(0, 0, viewExamples.map((_, i) => i));
    if (batch.ok) {
      view = batch.inputs;
      viewInfo = {
        captions: viewExamples.map((e) => e.caption),
        pictures: viewExamples.map((e) => ({ height: e.image.dims[0]!, width: e.image.dims[1]!, pixels: e.image.data as Uint8Array })),
      };
    }
  }
  return { train, heldOut: set('test'), novel: set('heldout'), view, viewInfo };
}

async function manifestSets(req: TrainRequest, inputs: readonly InputSpec[]): Promise<Sets> {
  if (req.data.kind !== 'manifest') throw new Error('not a manifest');
  const { files, text, name, format, heldOutFraction } = req.data;
  const readFile = async (path: string) => {
    const bytes = files[path] ?? files[path.split('/').at(-1)!];
    if (!bytes) throw new Error(`"${path}" was not among the files chosen with the manifest`);
    return bytes;
  };
  // The data layer decodes synchronously, the browser only asynchronously: pictures are decoded
  // first and then found by their bytes, which readFile hands out as the same objects.
  const decoded = new Map<Uint8Array, Tensor>();
  for (const [path, bytes] of Object.entries(files)) {
    if (!/\.(png|jpe?g)$/i.test(path)) continue;
    const item = await decodeImage(new Blob([bytes as Uint8Array<ArrayBuffer>]), path, '');
    decoded.set(bytes, { dtype: 'uint8', dims: [item.height, item.width, 3], data: item.pixels });
  }
  const decodeImageBytes = (bytes: Uint8Array, file: string): Tensor => {
    const t = decoded.get(bytes);
    if (!t) throw new Error(`${file} is not a PNG or JPEG picture`);
    return t;
  };
  // Manifests often carry ids, splits and labels beside the inputs (the teaching world's do): those are not errors here.
  const all = openManifest({ text, file: name, format }, { inputs, readFile, decodeImage: decodeImageBytes, decodeNpy: readNpy, extraColumns: 'ignore' });
  const { train, eval: heldOut } = all.split({ heldOut: heldOutFraction, seed: req.seed });
  return { train, heldOut: heldOut.size ? heldOut : null, novel: null, view: null, viewInfo: null };
}

/**
 * Lets queued messages (Pause, Stop) in. A step is a chain of promises that never leaves the
 * microtask queue when onnxruntime runs inline, so without this the worker would read its
 * messages only after the whole run; a MessageChannel turn costs far less than setTimeout's clamp.
 */
function turn(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function nextWake(): Promise<void> {
  return new Promise((resolve) => {
    control.wake = resolve;
  });
}

async function evaluate(program: TrainProgram, data: Dataset, batchSize: number): Promise<{ loss: number; metrics: Record<string, number>; examples: number }> {
  const parts: { loss: number; metrics: Record<string, number>; examples: number }[] = [];
  const size = Math.min(batchSize, data.size);
  for await (const b of data.batches({ batchSize: size, shuffle: false, dropLast: true, prefetch: 0 })) {
    if (!b.ok) throw b.error;
    const r = await program.evaluate(b.inputs);
    parts.push({ loss: r.loss, metrics: r.metrics, examples: b.rows.length });
    await turn();
    if (parts.length >= MAX_EVAL_BATCHES || control.stop) break;
  }
  return averageMetrics(parts);
}

async function train(req: TrainRequest, onEvent: (e: TrainWorkerEvent) => void): Promise<'done' | 'stopped' | 'failed'> {
  control = { stop: false, paused: false, wake: null };
  const mine = control;
  const emit = (e: TrainWorkerEvent) => onEvent(e);
  // A failed warm-up leaves nothing behind: the run's own session reports what is wrong.
  await warming?.catch(() => undefined);
  if (last) {
    const old = last;
    last = null;
    await old.close().catch(() => undefined);
  }
  const runtime = createInlineWebRuntime({ providers: req.providers });
  let program: TrainProgram | null = null;
  const close = async () => {
    await program?.release().catch(() => undefined);
    await runtime.close().catch(() => undefined);
  };
  const t0 = performance.now();
  try {
    emit({ type: 'phase', phase: 'preparing', message: 'Differentiating the graph…' });
    const asset = (name: string): AssetData | undefined => req.assets[name];
    const library = (uri: string) => req.libraries[uri];
    let weights = req.weights ? new Map(Object.entries(req.weights)) : undefined;
    if (req.init) {
      // Checked against the graph as it is now: it may have changed since the file was chosen.
      const source = readSafetensors(req.init.bytes, { file: req.init.name }).tensors;
      const carried = carryWeights(analyzeOrThrow(req.doc as GraphDoc, registry, { asset, library }), source, req.init.name, 'initial weights');
      weights = carried.tensors;
      emit({ type: 'init', file: req.init.name, loaded: carried.loaded, seeded: carried.seeded, unused: carried.unused });
    }
    const setup = prepareTraining(req.doc as GraphDoc, registry, {
      train: req.config,
      asset,
      library,
      ...(weights ? { weights } : {}),
    });
    const inputs = setup.prefix.plan.inputs;
    emit({ type: 'phase', phase: 'preparing', message: 'Generating the data…' });
    const sets = req.data.kind === 'world' ? await worldSets(req, inputs) : await manifestSets(req, inputs);
    if (req.shots) sets.train = await fewShot(sets.train, req.shots, req.data.kind === 'world' ? 'the teaching world' : req.data.name, 'few-shot (examples per class)');
    const perEpoch = sets.train.batchCount({ batchSize: req.batchSize, dropLast: true });
    if (perEpoch === 0) throw new Error(`the training data has ${sets.train.size} examples, fewer than one batch of ${req.batchSize}`);
    emit({
      type: 'setup',
      info: {
        tensors: setup.params.length,
        parameters: setup.params.reduce((n, p) => n + p.dims.reduce((a, b) => a * b, 1), 0),
        frozen: setup.frozen.length,
        objective: setup.objectives.map((o) => (o.weight === 1 ? o.tensor : `${o.weight} × ${o.tensor}`)).join(' + '),
        trainExamples: sets.train.size,
        heldOutExamples: sets.heldOut ? Math.min(sets.heldOut.size, MAX_EVAL_BATCHES * req.batchSize) : 0,
        novelExamples: sets.novel ? Math.min(sets.novel.size, MAX_EVAL_BATCHES * req.batchSize) : 0,
        batchesPerEpoch: perEpoch,
        view: sets.viewInfo,
      },
    });

    const engine = createEngine(runtime, { hostSteps });
    program = await engine.train(setup, {
      providers: req.providers,
      onEvent: (e) => {
        if (e.type === 'compile') emit({ type: 'compiled', kind: e.kind, ms: e.ms, provider: e.provider });
      },
    });
    last = { program, graphHash: setup.graphHash, close };

    const viewMatrix = async (): Promise<{ n: number; data: Float32Array } | null> => {
      if (!sets.view) return null;
      const r = await program!.evaluate(sets.view);
      const t = Object.values(r.outputs).find((o) => o.dtype === 'float32' && o.dims.length === 2 && o.dims[0] === o.dims[1] && o.dims[0] === sets.viewInfo!.captions.length);
      return t ? { n: t.dims[0]!, data: Float32Array.from(t.data as Float32Array) } : null;
    };
    // The view is one batch of a few pictures: redrawn five times per held-out evaluation, it shows the diagonal forming.
    const viewEvery = Math.max(1, Math.round(req.evalEvery / 5));

    const evaluateNow = async (step: number) => {
      emit({ type: 'phase', phase: 'evaluating', message: `Evaluating on held-out pictures at step ${step}…` });
      const e0 = performance.now();
      const matrix = await viewMatrix();
      const held = sets.heldOut ? await evaluate(program!, sets.heldOut, req.batchSize) : null;
      const novel = sets.novel ? await evaluate(program!, sets.novel, req.batchSize) : null;
      const point: EvalPoint = {
        step,
        loss: held?.loss ?? NaN,
        accuracy: held ? headlineAccuracy(held.metrics) : null,
        novel: novel ? headlineAccuracy(novel.metrics) : null,
        metrics: held?.metrics ?? {},
        examples: held?.examples ?? 0,
        ms: performance.now() - e0,
      };
      emit({ type: 'eval', ...point, matrix });
    };

    emit({ type: 'phase', phase: 'compiling', message: 'Building the evaluation model…' });
    await evaluateNow(0);
    let step = 0;
    if (!mine.stop) {
      emit({ type: 'phase', phase: 'compiling', message: 'Building the train step (gradients of every weight)…' });
      for await (const b of sets.train.batches({ batchSize: req.batchSize, seed: req.seed, shuffle: true, dropLast: true, epochs: Infinity })) {
        await turn();
        if (mine.stop) break;
        if (mine.paused) {
          emit({ type: 'phase', phase: 'paused', message: `Paused at step ${step}` });
          await nextWake();
          if (mine.stop) break;
        }
        if (!b.ok) throw b.error;
        const r = await program.step(b.inputs);
        step = r.step;
        if (step === 1) emit({ type: 'phase', phase: 'training', message: 'Training…' });
        emit({ type: 'step', step, loss: r.loss, lr: r.metrics['lr'] ?? NaN, gradNorm: r.metrics['grad_norm'] ?? NaN, examples: r.examples, ms: r.ms });
        const end = step >= req.steps;
        if (step % req.evalEvery === 0 || end) {
          await evaluateNow(step);
          if (!end && !mine.stop) emit({ type: 'phase', phase: mine.paused ? 'paused' : 'training', message: mine.paused ? `Paused at step ${step}` : 'Training…' });
        } else if (step % viewEvery === 0) {
          const matrix = await viewMatrix();
          if (matrix) emit({ type: 'view', step, matrix });
        }
        if (end) break;
      }
    }
    const reason = mine.stop && step < req.steps ? 'stopped' : 'done';
    emit({ type: 'end', reason, step, seconds: (performance.now() - t0) / 1000 });
    return reason;
  } catch (e) {
    emit({ type: 'failed', error: toWire(e) });
    return 'failed';
  }
}

const api: TrainWorkerApi = {
  train,
  warm() {
    warming ??= warmOrt();
    return warming.catch(() => undefined);
  },
  pause() {
    control.paused = true;
  },
  resume() {
    control.paused = false;
    const wake = control.wake;
    control.wake = null;
    wake?.();
  },
  stop() {
    control.stop = true;
    const wake = control.wake;
    control.wake = null;
    wake?.();
  },
  async weights(): Promise<TrainedWeights | null> {
    if (!last) return null;
    // Weights may live on the device between steps; reading them brings them back.
    return { tensors: Object.fromEntries(await last.program.weights()), step: last.program.stepsTaken, graphHash: last.graphHash };
  },
};

expose(api);
