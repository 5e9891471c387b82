import { expose, transfer } from 'comlink';
import type { Tensor } from '@modalflow/core';
import { createEngine, type Engine, type EngineOptions, type LoadOptions, type Program, type RunOptions, type RunResult, type StageProvider } from '@modalflow/engine';
import { createInlineWebRuntime } from './runtime.ts';
import type { WebRuntime, WebRuntimeOptions } from './types.ts';
import { packTensors } from './transfer.ts';
import { toWire, type Reply } from './wire.ts';

export type CompiledPlanLike = Parameters<Engine['load']>[0];

/** What the page asks of a program worker; one message per call. */
export interface ProgramWorkerApi {
  configure(options: WebRuntimeOptions): Promise<Reply<void>>;
  load(compiled: CompiledPlanLike, options: Pick<LoadOptions, 'providers'>): Promise<Reply<{ id: number; providers: Record<string, StageProvider> }>>;
  run(id: number, inputs: Record<string, Tensor>, options: Pick<RunOptions, 'taps' | 'cache'>): Promise<Reply<RunResult>>;
  clearCache(id: number): Promise<Reply<void>>;
  release(id: number): Promise<Reply<void>>;
  close(): Promise<Reply<void>>;
}

async function reply<T>(fn: () => Promise<T> | T): Promise<Reply<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
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
 */
export function serveProgramWorker(engineOptions: EngineOptions): void {
  let runtime: WebRuntime | undefined;
  let engine: Engine | undefined;
  const programs = new Map<number, Program>();
  let next = 1;
  const program = (id: number) => {
    const p = programs.get(id);
    if (!p) throw new Error(`program ${id} was released`);
    return p;
  };
  const configure = async (options: WebRuntimeOptions) => {
    if (runtime) await runtime.close();
    runtime = createInlineWebRuntime(options);
    engine = createEngine(runtime, engineOptions);
  };
  const api: ProgramWorkerApi = {
    configure: (options) => reply(() => configure(options)),
    load: (compiled, options) =>
      reply(async () => {
        if (!engine) await configure({});
        const p = await engine!.load(compiled, options);
        const id = next++;
        programs.set(id, p);
        return { id, providers: p.providers };
      }),
    async run(id, inputs, options) {
      const r = await reply(() => program(id).run(inputs, options));
      // Results the stage cache keeps must stay here whole, so those are copied; without the
      // cache nothing here holds them after this message, and their buffers move.
      if (!r.ok || options.cache !== false) return r;
      const outputs = packTensors(r.value.outputs);
      const taps = packTensors(r.value.taps);
      const moving = [...new Set([...outputs.transfer, ...taps.transfer])];
      return transfer({ ok: true as const, value: { ...r.value, outputs: outputs.value, taps: taps.value } }, moving);
    },
    clearCache: (id) => reply(() => program(id).clearCache()),
    release: (id) =>
      reply(async () => {
        const p = programs.get(id);
        programs.delete(id);
        await p?.release();
      }),
    close: () =>
      reply(async () => {
        for (const [id, p] of [...programs]) {
          programs.delete(id);
          await p.release();
        }
        await runtime?.close();
        runtime = undefined;
        engine = undefined;
      }),
  };
  expose(api);
}
