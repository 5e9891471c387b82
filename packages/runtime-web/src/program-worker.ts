import { createEngine, type Engine, type EngineEvent, type EngineOptions, type Program } from '@modalflow/engine';
import { createInlineWebRuntime } from './runtime.ts';
import type { WebRuntime, WebRuntimeOptions, WebRuntimeSession, WebSessionOptions } from './types.ts';
import { packTensors } from './transfer.ts';
import { toWire, type Reply } from './wire.ts';
import { epochMs, type EngineEventWire, type LoadEvent, type ProgramMessage, type ProgramRequest } from './program-protocol.ts';

export type CompiledPlanLike = Parameters<Engine['load']>[0];

interface Port {
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/**
 * Resolves on the worker's next task: a message to itself, which no timer clamping delays. A
 * run inside onnxruntime-web awaits only promises, so without this an abort from the page would
 * not be read until the whole run (every stage, every generated token) had finished.
 */
function taskYielder(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

/** The runtime with each session run (and resident run) first yielding a task when `wanted()`. */
function yieldingRuntime(runtime: WebRuntime, wanted: () => boolean): WebRuntime {
  const nextTask = taskYielder();
  const wrapSession = (session: WebRuntimeSession): WebRuntimeSession =>
    new Proxy(session, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        if (prop !== 'run' && prop !== 'runResident') return value.bind(target);
        return async (...args: unknown[]) => {
          if (wanted()) await nextTask();
          return value.apply(target, args);
        };
      },
    });
  return new Proxy(runtime, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'createSession') return value.bind(target);
      return async (model: Uint8Array, options?: WebSessionOptions) => wrapSession(await target.createSession(model, options));
    },
  });
}

function eventToWire(e: EngineEvent): EngineEventWire {
  return e.type === 'stage-failed' ? { ...e, error: toWire(e.error) } : e;
}

/**
 * The body of a worker that runs whole plans: onnxruntime-web, the engine and its host steps
 * (tokenizers, image preprocessing, label mapping) all live in the worker, so a run is one
 * message in (the inputs, moved) and one message out (the outputs, moved), however many stages
 * the plan has; sessions, the WebGPU device and the stage cache stay in the worker between runs.
 * Host steps come from the app (the node library is the app's to register), so the app's worker
 * file is two lines:
 *
 *   import { serveProgramWorker } from '@modalflow/runtime-web/program-worker';
 *   serveProgramWorker({ registry: createRegistry() });
 *
 * The messages are plain postMessage, not an RPC proxy: a run is answered from the message
 * handler with no extra task hops, and each reply says when the worker received, ran and
 * answered it, so the page can see where a run's time went.
 */
export function serveProgramWorker(engineOptions: EngineOptions, port: Port = globalThis as unknown as Port): void {
  let runtime: WebRuntime | undefined;
  let engine: Engine | undefined;
  const programs = new Map<number, Program>();
  const running = new Map<number, AbortController>();
  // Runs the page may cancel: while any is going, session runs first let the worker read its messages.
  let cancellable = 0;
  let next = 1;
  const program = (id: number) => {
    const p = programs.get(id);
    if (!p) throw new Error(`program ${id} was released`);
    return p;
  };
  const configure = async (options: WebRuntimeOptions) => {
    if (runtime) await runtime.close();
    runtime = createInlineWebRuntime(options);
    engine = createEngine(yieldingRuntime(runtime, () => cancellable > 0), engineOptions);
  };
  const answer = (message: ProgramMessage, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const settle = async (id: number, fn: () => unknown) => {
    let reply: Reply<unknown>;
    try {
      reply = { ok: true, value: await fn() };
    } catch (e) {
      reply = { ok: false, error: toWire(e) };
    }
    answer({ id, reply });
  };

  const run = async (req: Extract<ProgramRequest, { method: 'run' }>, received: number) => {
    const abort = new AbortController();
    running.set(req.id, abort);
    if (req.cancellable) cancellable++;
    const onEvent = req.events ? (e: EngineEvent) => answer({ id: req.id, event: eventToWire(e) }) : undefined;
    let engineStart = 0;
    let engineEnd = 0;
    try {
      const p = program(req.program);
      engineStart = epochMs();
      const r = await p.run(req.inputs, { ...req.options, signal: abort.signal, ...(onEvent ? { onEvent } : {}) });
      engineEnd = epochMs();
      // Results the stage cache keeps must stay here whole, so those are copied; without the
      // cache nothing here holds them after this message, and their buffers move.
      let value = r;
      let moving: ArrayBuffer[] = [];
      if (req.options.cache === false) {
        const outputs = packTensors(r.outputs);
        const taps = packTensors(r.taps);
        moving = [...new Set([...outputs.transfer, ...taps.transfer])];
        value = { ...r, outputs: outputs.value, taps: taps.value };
      }
      const trip = { posted: req.posted, received, engineStart, engineEnd, replied: epochMs() };
      answer({ id: req.id, reply: { ok: true, value }, trip }, moving);
    } catch (e) {
      answer({ id: req.id, reply: { ok: false, error: toWire(e) } });
    } finally {
      running.delete(req.id);
      if (req.cancellable) cancellable--;
    }
  };

  port.addEventListener('message', (e: MessageEvent) => {
    const received = epochMs();
    const req = e.data as ProgramRequest;
    switch (req.method) {
      case 'run':
        void run(req, received);
        return;
      case 'ping':
        answer({ id: req.id, reply: { ok: true, value: undefined }, trip: { posted: req.posted, received, engineStart: received, engineEnd: received, replied: epochMs() } });
        return;
      case 'abort':
        running.get(req.run)?.abort();
        return;
      case 'configure':
        void settle(req.id, () => configure(req.options));
        return;
      case 'load':
        void settle(req.id, async () => {
          if (!engine) await configure({});
          const onEvent = req.events ? (ev: LoadEvent) => answer({ id: req.id, event: ev }) : undefined;
          const p = await engine!.load(req.compiled as CompiledPlanLike, { ...(req.providers ? { providers: req.providers } : {}), ...(onEvent ? { onEvent } : {}) });
          const id = next++;
          programs.set(id, p);
          return { program: id, providers: p.providers };
        });
        return;
      case 'describeProviders':
        void settle(req.id, async () => {
          if (!runtime) await configure({});
          return runtime!.describeProviders();
        });
        return;
      case 'clearCache':
        void settle(req.id, () => program(req.program).clearCache());
        return;
      case 'release':
        void settle(req.id, async () => {
          const p = programs.get(req.program);
          programs.delete(req.program);
          await p?.release();
        });
        return;
      case 'close':
        void settle(req.id, async () => {
          for (const [id, p] of [...programs]) {
            programs.delete(id);
            await p.release();
          }
          await runtime?.close();
          runtime = undefined;
          engine = undefined;
        });
        return;
    }
  });
}
