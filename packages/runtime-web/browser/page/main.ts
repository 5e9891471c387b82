import { wrap } from 'comlink';
import { compileGraph, type CompiledPlan } from '@modalflow/compiler';
import { parseGraph, type Tensor } from '@modalflow/core';
import { createEngine, HostSteps } from '@modalflow/engine';
import { encodeModel, OnnxGraph } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { connectProgramWorker, createInlineWebRuntime, createWebRuntime, type RunTrip, type WebRuntime } from '@modalflow/runtime-web';
import type { GraphRunRequest, GraphRunResult, HarnessApi, PlainTensor, TripPhases, Where } from '../wire.ts';

const registry = createRegistry();
const hostSteps = HostSteps.fromRegistry(registry);

/** The smallest compiled model: one linear layer, 4 -> 3. */
const ONE_LINEAR = JSON.stringify({
  format: 'modalflow.graph',
  version: 1,
  meta: { title: 'one linear layer' },
  seed: 1,
  nodes: [
    { id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, 4' } },
    { id: 'lin', type: 'layer.linear', typeVersion: 1, params: { out: 3 } },
    { id: 'y', type: 'output.tensor', typeVersion: 1, params: {} },
  ],
  edges: [
    { from: ['x', 'value'], to: ['lin', 'x'] },
    { from: ['lin', 'y'], to: ['y', 'value'] },
  ],
});

/** A training step in miniature: y = sum(x * w) goes to the page, next_w = w + x feeds the next step. */
function stepModel(n: number): Uint8Array {
  const g = new OnnxGraph('step');
  const x = g.addInput('x', 'float32', [n]);
  const w = g.addInput('w', 'float32', [n]);
  g.identity(g.op('ReduceSum', [g.op('Mul', [x, w])], { keepdims: { kind: 'int', value: 0 } }), 'y');
  g.addOutput('y', 'float32', []);
  g.identity(g.op('Add', [w, x]), 'next_w');
  g.addOutput('next_w', 'float32', [n]);
  return encodeModel(g, { opset: 17 });
}

/** Reads w as the step leaves it: a second session, as evaluation is beside the train step. */
function probeModel(n: number): Uint8Array {
  const g = new OnnxGraph('probe');
  const w = g.addInput('w', 'float32', [n]);
  g.identity(g.op('ReduceSum', [w], { keepdims: { kind: 'int', value: 0 } }), 'sum');
  g.addOutput('sum', 'float32', []);
  return encodeModel(g, { opset: 17 });
}

function runtime(where: Where, provider?: 'webgpu' | 'wasm', wasmThreads?: number): WebRuntime {
  const options = { ...(provider ? { providers: [provider] } : {}), ...(wasmThreads ? { wasmThreads } : {}) };
  return where === 'worker' ? createWebRuntime(options) : createInlineWebRuntime(options);
}

function compile(graph: string): CompiledPlan {
  return compileGraph(parseGraph(graph), registry);
}

function toTensor(p: PlainTensor): Tensor {
  return { dtype: 'float32', dims: p.dims, data: Float32Array.from(p.data) };
}

function toPlain(t: Tensor): PlainTensor {
  return { dims: t.dims, data: Array.from(t.data as Float32Array) };
}

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let k = 0; k < n; k++) a[k] = Math.sin(seed + k);
  return a;
}

/** The tensor's shape with every symbolic size (the batch) set to `batch`. */
function concreteDims(compiled: CompiledPlan, tensor: string, batch: number): number[] {
  return compiled.plan.tensors[tensor]!.shape.map((d) => (typeof d === 'number' ? d : batch));
}

/** A loaded program's first run and `req.reps` more, each on fresh inputs, then released. */
async function timeRuns(
  program: { run(inputs: Record<string, Tensor>, options: { cache: boolean }): Promise<{ outputs: Record<string, Tensor> }>; providers: GraphRunResult['providers']; release(): Promise<void> },
  req: GraphRunRequest,
) {
  const inputs = () => Object.fromEntries(Object.entries(req.inputs).map(([k, v]) => [k, toTensor(v)]));
  const f0 = performance.now();
  let result = await program.run(inputs(), { cache: false });
  const firstRunMs = performance.now() - f0;
  const runMs: number[] = [];
  for (let r = 0; r < (req.reps ?? 0); r++) {
    const fresh = inputs();
    const s = performance.now();
    result = await program.run(fresh, { cache: false });
    runMs.push(performance.now() - s);
  }
  const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, t]) => [k, toPlain(t)]));
  const providers = program.providers;
  await program.release();
  return { outputs, providers, crossOriginIsolated, firstRunMs, runMs };
}

/** runGraph with the engine inside the worker: load once, then one message per run. */
async function runGraphInProgramWorker(req: GraphRunRequest) {
  const options = { providers: [req.provider], ...(req.wasmThreads ? { wasmThreads: req.wasmThreads } : {}) };
  const t0 = performance.now();
  const client = await connectProgramWorker(new Worker(new URL('./program-worker.ts', import.meta.url), { type: 'module' }), options);
  try {
    let program = await client.load(compile(req.graph), { providers: [req.provider] });
    const loadMs = performance.now() - t0;
    let reloadMs: number | undefined;
    if (req.reload) {
      await program.release();
      const t1 = performance.now();
      program = await client.load(compile(req.graph), { providers: [req.provider] });
      reloadMs = performance.now() - t1;
    }
    return { ...(await timeRuns(program, req)), loadMs, ...(reloadMs !== undefined ? { reloadMs } : {}) };
  } finally {
    await client.close();
  }
}

async function runGraph(req: GraphRunRequest) {
  if (req.where === 'program-worker') return runGraphInProgramWorker(req);
  const rt = runtime(req.where, req.provider, req.wasmThreads);
  try {
    const engine = createEngine(rt, { hostSteps });
    let compiled = compile(req.graph);
    const t0 = performance.now();
    let program = await engine.load(compiled, { providers: [req.provider] });
    const loadMs = performance.now() - t0;
    let reloadMs: number | undefined;
    if (req.reload) {
      await program.release();
      // The first load moved the model bytes into the worker.
      compiled = compile(req.graph);
      const t1 = performance.now();
      program = await engine.load(compiled, { providers: [req.provider] });
      reloadMs = performance.now() - t1;
    }
    return { ...(await timeRuns(program, req)), loadMs, ...(reloadMs !== undefined ? { reloadMs } : {}) };
  } finally {
    await rt.close();
  }
}

const epochNow = () => performance.timeOrigin + performance.now();

/** A program-worker run's stamps as the durations between them. */
function phases(start: number, trip: RunTrip, done: number): TripPhases {
  return {
    pack: trip.posted - start,
    toWorker: trip.received - trip.posted,
    workerQueue: trip.engineStart - trip.received,
    engine: trip.engineEnd - trip.engineStart,
    workerReply: trip.replied - trip.engineEnd,
    toPage: trip.returned - trip.replied,
    resolve: done - trip.returned,
  };
}

async function interleaved(req: { graph: string; inputs: Record<string, PlainTensor>; provider: 'webgpu' | 'wasm'; reps: number }) {
  const options = { providers: [req.provider] };
  const inlineRt = createInlineWebRuntime(options);
  const workerRt = createWebRuntime(options);
  const client = await connectProgramWorker(new Worker(new URL('./program-worker.ts', import.meta.url), { type: 'module' }), options);
  try {
    const inline = await createEngine(inlineRt, { hostSteps }).load(compile(req.graph), options);
    const worker = await createEngine(workerRt, { hostSteps }).load(compile(req.graph), options);
    const inWorker = await client.load(compile(req.graph), options);
    const inputs = () => Object.fromEntries(Object.entries(req.inputs).map(([k, v]) => [k, toTensor(v)]));
    const runners = [
      ['inline', (x: Record<string, Tensor>) => inline.run(x, { cache: false })],
      ['worker', (x: Record<string, Tensor>) => worker.run(x, { cache: false })],
      ['programWorker', (x: Record<string, Tensor>) => inWorker.run(x, { cache: false })],
      // With a signal, as the editor runs: the worker reads its messages before each session run.
      ['programWorkerCancellable', (x: Record<string, Tensor>) => inWorker.run(x, { cache: false, signal: new AbortController().signal })],
    ] as const;
    const times: Record<string, number[]> = { inline: [], worker: [], programWorker: [], programWorkerCancellable: [], ping: [] };
    const engineMs: number[] = [];
    const trips: TripPhases[] = [];
    // Long tasks on the page's thread (50 ms or more, as Chromium reports them) while a program
    // worker run is away: time the reply may have waited behind the page's own work.
    const longTasks: { start: number; end: number }[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration });
    });
    observer.observe({ type: 'longtask' });
    let maxAbsDiff = 0;
    for (let r = -3; r < req.reps; r++) {
      const outs: Record<string, Record<string, Tensor>> = {};
      // Rotating the order keeps any one of them from always following another.
      for (let k = 0; k < runners.length; k++) {
        const [name, run] = runners[(k + Math.max(r, 0)) % runners.length]!;
        const x = inputs();
        const start = epochNow();
        const t0 = performance.now();
        const result = await run(x);
        const t1 = performance.now();
        const done = epochNow();
        outs[name] = result.outputs;
        if (r >= 0) times[name]!.push(t1 - t0);
        if (r >= 0 && name === 'programWorker') {
          engineMs.push(result.ms);
          const trip = (result as Awaited<ReturnType<typeof inWorker.run>>).trip;
          // Entries arrive after their task ends: take them now that the run is back.
          for (const e of observer.takeRecords()) longTasks.push({ start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.startTime + e.duration });
          const busy = longTasks.reduce((a, t) => a + Math.max(0, Math.min(t.end, trip.returned) - Math.max(t.start, trip.replied)), 0);
          trips.push({ ...phases(start, trip, done), pageLongTasksWhileReplyWaited: busy });
        }
      }
      // The bare trip, in the same turn: the floor under any program-worker run.
      const p0 = performance.now();
      await client.ping();
      if (r >= 0) times['ping']!.push(performance.now() - p0);
      for (const [k, t] of Object.entries(outs['inline']!)) {
        const a = t.data as Float32Array;
        const b = outs['programWorker']![k]!.data as Float32Array;
        for (let j = 0; j < a.length; j++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[j]! - b[j]!));
      }
    }
    observer.disconnect();
    await inline.release();
    await worker.release();
    await inWorker.release();
    return { inline: times['inline']!, worker: times['worker']!, programWorker: times['programWorker']!, programWorkerEngine: engineMs, programWorkerPhases: trips, ping: times['ping']!, programWorkerCancellable: times['programWorkerCancellable']!, maxAbsDiff };
  } finally {
    await inlineRt.close();
    await workerRt.close();
    await client.close();
  }
}

async function programWorkerCalls(graph: string) {
  const client = await connectProgramWorker(new Worker(new URL('./program-worker.ts', import.meta.url), { type: 'module' }), { providers: ['wasm'] });
  const compiled = compile(graph);
  const shape = (t: string) => concreteDims(compiled, t, 2);
  const inputs = () =>
    Object.fromEntries(compiled.plan.inputs.map((i) => [i.name, { dtype: 'float32' as const, dims: shape(i.tensor), data: filled(shape(i.tensor).reduce((a, c) => a * c, 1), 5) }]));
  const loadEvents: { type: string; stage: string; provider: string }[] = [];
  const program = await client.load(compiled, { providers: ['wasm'], onEvent: (e) => loadEvents.push({ type: e.type, stage: e.stage, provider: e.provider }) });
  const runEvents: string[] = [];
  const kept = inputs();
  const keptArrays = Object.values(kept).map((t) => t.data);
  const result = await program.run(kept, { keepInputs: true, cache: false, onEvent: (e) => runEvents.push(e.type) });
  const { posted, received, engineStart, engineEnd, replied, returned } = result.trip;
  const stamps = [posted, received, engineStart, engineEnd, replied, returned];
  const moved = inputs();
  const movedArrays = Object.values(moved).map((t) => t.data as Float32Array);
  await program.run(moved, { cache: false });
  const message = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`);
  const before = new AbortController();
  before.abort();
  const abortedBefore = await message(program.run(inputs(), { signal: before.signal }));
  // Posted right behind the run, the abort is read at the run's next wait on the worker's event
  // loop, if it has arrived by then: late fusion runs in well under a millisecond, so on a busy
  // machine the message can come after the last stage. Each try is one run; the first whose
  // abort arrived in time shows whether the worker stopped there.
  let abortedDuring = '';
  let duringEvents: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const during = new AbortController();
    const events: string[] = [];
    const running = program.run(inputs(), { signal: during.signal, cache: false, onEvent: (e) => events.push(e.type) });
    during.abort();
    abortedDuring = await message(running);
    // The worker's own outcome comes after the page's rejection: a ping queued behind it waits for it.
    await client.ping();
    duringEvents = events;
    if (!events.includes('run-end')) break;
  }
  await new Promise((r) => setTimeout(r, 50));
  const again = await program.run(inputs(), { cache: false });
  const trip = await client.ping();
  const pingStamps = [trip.posted, trip.received, trip.replied, trip.returned];
  const providers = (await client.describeProviders()).filter((p) => p.available).map((p) => p.provider);
  client.terminate();
  const afterTerminate = await message(program.run(inputs()));
  // Stamps from two threads: each clock is coarsened (to 100 µs on a page that is not
  // cross-origin isolated), so a trip faster than that may read a little backwards.
  const inOrder = (ts: number[]) => ts.every((t, k) => k === 0 || t >= ts[k - 1]! - 0.2);
  return {
    providers,
    loadEvents,
    runEvents,
    tripInOrder: inOrder(stamps) && returned - posted < 60_000,
    keptInputIntact: Object.values(kept).every((t, k) => t.data === keptArrays[k] && (t.data as Float32Array).length > 0),
    movedInputDetached: movedArrays.every((a) => a.buffer.byteLength === 0),
    abortedBefore,
    abortedDuring,
    abortedDuringEvents: duringEvents,
    afterAbortOk: Object.values(again.outputs).every((t) => t.data.length > 0),
    pingInOrder: inOrder(pingStamps),
    afterTerminate,
  };
}

async function tripFloor(reps: number) {
  const client = await connectProgramWorker(new Worker(new URL('./program-worker.ts', import.meta.url), { type: 'module' }), { providers: ['wasm'] });
  const out = { message: [] as number[], comlink: [] as number[], spin: [] as number[], wait: [] as number[], crossOriginIsolated };
  const echoWorker = new Worker(new URL('./echo-worker.ts', import.meta.url), { type: 'module' });
  const echo = wrap<{ echo(): undefined }>(echoWorker);
  const shared = crossOriginIsolated
    ? (['spin', 'wait'] as const).map((mode) => {
        const cells = new Int32Array(new SharedArrayBuffer(8));
        const worker = new Worker(new URL('./spin-worker.ts', import.meta.url), { type: 'module' });
        worker.postMessage({ cells: cells.buffer, mode });
        return { mode, cells, worker, n: 0 };
      })
    : [];
  const viaMemory = (s: (typeof shared)[number]) => {
    const k = ++s.n;
    const t0 = performance.now();
    Atomics.store(s.cells, 0, k);
    if (s.mode === 'wait') Atomics.notify(s.cells, 0);
    // The page cannot sleep in Atomics.wait, so it polls; a second is far past any answer.
    while (Atomics.load(s.cells, 1) !== k) if (performance.now() - t0 > 1000) throw new Error(`the ${s.mode} worker did not answer`);
    return performance.now() - t0;
  };
  try {
    // The shared-memory workers start without a handshake: wait for their first answers untimed.
    for (const s of shared) for (let w = 0; w < 3; w++) {
      const k = ++s.n;
      Atomics.store(s.cells, 0, k);
      Atomics.notify(s.cells, 0);
      const t0 = performance.now();
      while (Atomics.load(s.cells, 1) !== k) {
        if (performance.now() - t0 > 10_000) throw new Error(`the ${s.mode} worker did not start`);
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    for (let r = -3; r < reps; r++) {
      const t0 = performance.now();
      await client.ping();
      const m = performance.now() - t0;
      const c0 = performance.now();
      await echo.echo();
      const c = performance.now() - c0;
      const times = shared.map(viaMemory);
      if (r < 0) continue;
      out.message.push(m);
      out.comlink.push(c);
      shared.forEach((s, k) => out[s.mode].push(times[k]!));
      // Back to the event loop between turns, as the page is between runs.
      await new Promise((res) => setTimeout(res, 0));
    }
    return out;
  } finally {
    for (const s of shared) {
      Atomics.store(s.cells, 0, -1);
      Atomics.notify(s.cells, 0);
      s.worker.terminate();
    }
    echoWorker.terminate();
    await client.close();
  }
}

const api: HarnessApi = {
  tripFloor,
  programWorkerCalls,
  interleaved,
  async providers() {
    const rt = createWebRuntime();
    try {
      return await rt.describeProviders();
    } finally {
      await rt.close();
    }
  },

  runGraph,

  async runStages(graph, provider, where) {
    const compiled = compile(graph);
    const rt = runtime(where);
    try {
      const stages = [];
      for (const stage of compiled.plan.stages) {
        if (stage.kind !== 'onnx') continue;
        const session = await rt.createSession(compiled.models[stage.model]!, { providers: [provider], label: stage.id });
        const feeds: Record<string, Tensor> = {};
        for (const b of stage.inputs) {
          const dims = concreteDims(compiled, b.tensor, 3);
          feeds[b.name] = { dtype: 'float32', dims, data: filled(dims.reduce((a, c) => a * c, 1), 1) };
        }
        const out = await session.run(feeds);
        stages.push({
          id: stage.id,
          provider: session.provider,
          attempts: session.attempts.map((a) => ({ provider: a.provider, ok: a.ok, ...(a.reason ? { reason: a.reason } : {}) })),
          outputs: Object.keys(out),
        });
        await session.release();
      }
      return { stages };
    } finally {
      await rt.close();
    }
  },

  async transfer(graph) {
    const compiled = compile(graph);
    const stage = compiled.plan.stages.find((s) => s.kind === 'onnx' && s.inputs.length === 1)!;
    if (stage.kind !== 'onnx') throw new Error('no onnx stage');
    const model = compiled.models[stage.model]!;
    const modelBuffer = model.buffer;
    const rt = createWebRuntime({ providers: ['wasm'] });
    try {
      const session = await rt.createSession(model, { label: stage.id });
      const modelDetached = modelBuffer.byteLength === 0;
      const width = concreteDims(compiled, stage.inputs[0]!.tensor, 1)[1]!;
      const name = session.inputNames[0]!;
      const source = filled(2 * width, 3);
      const expected = Array.from(source);
      const sourceBuffer = source.buffer;
      const input: Tensor = { dtype: 'float32', dims: [2, width], data: source };
      const first = await session.run({ [name]: input });
      const inputDetached = sourceBuffer.byteLength === 0;
      const inputReattached = input.data !== source && (input.data as Float32Array).length === 2 * width;
      const inputValuesKept = Array.from(input.data as Float32Array).every((v, k) => v === expected[k]);
      const outputsOwnBuffers = Object.values(first).every((t) => {
        const d = t.data as Float32Array;
        return d.byteOffset === 0 && d.byteLength === d.buffer.byteLength;
      });

      // A view on a bigger buffer is copied, so the memory around it stays with the caller.
      const big = new Float32Array(4 * width).fill(0.5);
      const view = big.subarray(width, 3 * width);
      const second = await session.run({ [name]: { dtype: 'float32', dims: [2, width], data: view } });
      const partialSourceIntact = big.buffer.byteLength === 4 * width * 4 && view.length === 2 * width;
      const secondRunOk = Object.values(second).every((t) => (t.data as Float32Array).length > 0);

      // A failed run hands the inputs back too.
      const wrong = new Float32Array(2 * (width + 1));
      const bad: Tensor = { dtype: 'float32', dims: [2, width + 1], data: wrong };
      let runError = { code: '', port: '' };
      try {
        await session.run({ [name]: bad });
      } catch (e) {
        runError = { code: String((e as { code?: string }).code), port: String((e as { at?: { port?: string } }).at?.port) };
      }
      const failedInputReattached = wrong.buffer.byteLength === 0 && bad.data.length === 2 * (width + 1);

      let reloadError = '';
      try {
        await rt.createSession(model, { label: 'again' });
      } catch (e) {
        reloadError = (e as Error).message;
      }
      return {
        inputName: name,
        modelDetached,
        inputDetached,
        inputReattached,
        inputValuesKept,
        partialSourceIntact,
        outputsOwnBuffers,
        secondRunOk,
        runError,
        failedInputReattached,
        reloadError,
      };
    } finally {
      await rt.close();
    }
  },

  async fallback() {
    // Hides WebGPU from this page (the inline runtime checks the page's navigator).
    const proto = Object.getPrototypeOf(navigator) as object;
    const original = Object.getOwnPropertyDescriptor(proto, 'gpu');
    Object.defineProperty(proto, 'gpu', { get: () => undefined, configurable: true });
    const rt = createInlineWebRuntime();
    try {
      const compiled = compile(ONE_LINEAR);
      const stage = compiled.plan.stages[0]!;
      if (stage.kind !== 'onnx') throw new Error('no onnx stage');
      const session = await rt.createSession(compiled.models[stage.model]!, { label: stage.id });
      return { provider: session.provider, attempts: session.attempts.map((a) => ({ provider: a.provider, ok: a.ok, ...(a.reason ? { reason: a.reason } : {}) })) };
    } finally {
      await rt.close();
      if (original) Object.defineProperty(proto, 'gpu', original);
      else delete (proto as { gpu?: unknown }).gpu;
    }
  },

  async roundTrip(reps) {
    // A one-node model run over and over: what crossing to the worker and back costs.
    const compiled = compile(ONE_LINEAR);
    const stage = compiled.plan.stages[0]!;
    if (stage.kind !== 'onnx') throw new Error('no onnx stage');
    const out: Record<string, number[]> = {};
    for (const where of ['worker', 'inline'] as const) {
      const rt = runtime(where, 'wasm');
      try {
        const session = await rt.createSession(compiled.models[stage.model]!.slice(), { label: stage.id });
        const feed = () => ({ [session.inputNames[0]!]: { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) } });
        await session.run(feed());
        const times: number[] = [];
        for (let r = 0; r < reps; r++) {
          const f = feed();
          const t0 = performance.now();
          await session.run(f);
          times.push(performance.now() - t0);
        }
        out[where] = times;
      } finally {
        await rt.close();
      }
    }
    return out as { worker: number[]; inline: number[] };
  },

  async concurrent(graph, provider, where) {
    // Every stage's session run at once, several times over: the host must keep ORT's single
    // wasm instance from interleaving them.
    const compiled = compile(graph);
    const rt = runtime(where, provider);
    try {
      const jobs = [];
      for (const stage of compiled.plan.stages) {
        if (stage.kind !== 'onnx') continue;
        const session = await rt.createSession(compiled.models[stage.model]!, { label: stage.id });
        const feed = () =>
          Object.fromEntries(
            stage.inputs.map((b) => {
              const dims = concreteDims(compiled, b.tensor, 16);
              return [b.name, { dtype: 'float32' as const, dims, data: filled(dims.reduce((a, c) => a * c, 1), 2) }];
            }),
          );
        const first = await session.run(feed());
        const expected = Object.values(first).map((t) => Array.from(t.data as Float32Array));
        for (let k = 0; k < 4; k++) {
          jobs.push(
            session.run(feed()).then((out) => Object.values(out).every((t, i) => Array.from(t.data as Float32Array).every((v, j) => v === expected[i]![j]))),
          );
        }
      }
      const same = await Promise.all(jobs);
      return { runs: same.length, identical: same.filter(Boolean).length };
    } finally {
      await rt.close();
    }
  },

  async deadWorker() {
    const rt = createWebRuntime({ worker: new Worker('/no-such-worker.js', { type: 'module' }) });
    try {
      await rt.createSession(new Uint8Array([1, 2, 3]), { label: 'never' });
      return { code: 'none', message: 'created a session without a worker' };
    } catch (e) {
      return { code: String((e as { code?: string }).code), message: (e as Error).message };
    } finally {
      await rt.close();
    }
  },

  async badModel(where) {
    const rt = runtime(where);
    try {
      await rt.createSession(new TextEncoder().encode('this is not an ONNX model, just some bytes'), { label: 'junk' });
      return { code: 'none', message: 'created a session from junk' };
    } catch (e) {
      return { code: String((e as { code?: string }).code), message: (e as Error).message };
    } finally {
      await rt.close();
    }
  },

  async resident(provider, where) {
    const n = 4096;
    const steps = 5;
    const rt = runtime(where, provider);
    try {
      const session = await rt.createSession(stepModel(n), { label: 'step', keepOutputs: ['next_w'] });
      const w0 = filled(n, 7);
      const x = () => ({ dtype: 'float32' as const, dims: [n], data: new Float32Array(n).fill(0.25) });
      const t0 = rt.traffic();
      let w = await rt.resident.upload({ dtype: 'float32', dims: [n], data: w0 });
      const t1 = rt.traffic();
      let y = NaN;
      const first = w;
      for (let k = 0; k < steps; k++) {
        const r = await session.runResident!({ x: x(), w }, ['next_w']);
        if (k > 0) await rt.resident.release([w]);
        w = r.kept.next_w!;
        y = (r.outputs.y!.data as Float32Array)[0]!;
      }
      const t2 = rt.traffic();
      const final = await rt.resident.download(w);
      const t3 = rt.traffic();
      const probe = await rt.createSession(probeModel(n), { label: 'probe' });
      const sum = ((await probe.runResident!({ w }, [])).outputs.sum!.data as Float32Array)[0]!;
      let wError = 0;
      let expectedY = 0;
      for (let k = 0; k < n; k++) {
        const before = w0[k]! + 0.25 * (steps - 1);
        expectedY += 0.25 * before;
        wError = Math.max(wError, Math.abs((final.data as Float32Array)[k]! - (w0[k]! + 0.25 * steps)));
      }
      const expectedSum = (final.data as Float32Array).reduce((a, v) => a + v, 0);
      const otherSessionError = Math.abs(sum - expectedSum) / Math.max(1, Math.abs(expectedSum));
      await rt.resident.release([first]);
      let releasedError = '';
      try {
        await session.runResident!({ x: x(), w: first }, []);
      } catch (e) {
        releasedError = (e as Error).message;
      }
      // The same steps with the weight going back and forth, as runs without resident values do.
      let hostW: Tensor = { dtype: 'float32', dims: [n], data: filled(n, 7) };
      const t4 = rt.traffic();
      for (let k = 0; k < steps; k++) hostW = (await session.run({ x: x(), w: hostW })).next_w!;
      const t5 = rt.traffic();
      await rt.resident.release([w]);
      const location = (w as unknown as { location: string }).location;
      return {
        location,
        xBytes: 4 * n,
        wBytes: 4 * n,
        yBytes: 4,
        steps,
        resident: { sentBytes: t2.sentBytes - t1.sentBytes, receivedBytes: t2.receivedBytes - t1.receivedBytes, residentFeeds: t2.residentFeeds - t1.residentFeeds, runs: t2.runs - t1.runs },
        plain: { sentBytes: t5.sentBytes - t4.sentBytes, receivedBytes: t5.receivedBytes - t4.receivedBytes },
        uploadBytes: t1.sentBytes - t0.sentBytes,
        downloadBytes: t3.receivedBytes - t2.receivedBytes,
        wError,
        yError: Math.abs(y - expectedY) / Math.max(1, Math.abs(expectedY)),
        otherSessionError,
        releasedError,
      };
    } finally {
      await rt.close();
    }
  },
};

(globalThis as unknown as { harness: HarnessApi }).harness = api;
document.title = 'ready';
