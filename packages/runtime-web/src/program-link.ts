import { ModalflowError, type Tensor } from '@modalflow/core';
import type { EngineEvent, LoadOptions, Provider, RunOptions, RunResult, StageProvider } from '@modalflow/engine';
import type { CompiledPlanLike } from './program-worker.ts';
import { epochMs, type EngineEventWire, type LoadEvent, type LoadReply, type ProgramMessage, type ProgramRequest, type RunTrip } from './program-protocol.ts';
import { packFeeds, packModel } from './transfer.ts';
import type { WebRuntimeOptions } from './types.ts';
import { fromWire, unwrap, type ProviderStatus, type Reply } from './wire.ts';

export type { RunTrip } from './program-protocol.ts';

/** A run's result from the program worker, with where its time went. */
export interface WorkerRunResult extends RunResult {
  trip: RunTrip;
}

export interface WorkerRunOptions extends Pick<RunOptions, 'taps' | 'cache' | 'onEvent' | 'signal'> {
  /** Send copies of the inputs, leaving the caller's arrays whole (default: move them). */
  keepInputs?: boolean;
}

/** A plan loaded in a program worker: the page's handle. */
export interface WorkerProgram {
  readonly providers: Record<string, StageProvider>;
  /** The loaded plan (its models went to the worker). */
  readonly plan: CompiledPlanLike['plan'];
  /**
   * Runs the whole plan in the worker. Inputs whose typed array spans its whole buffer are
   * moved there (the caller's array is left detached, so pass fresh tensors each run); others
   * are copied. Outputs come back moved when `cache` is false, copied otherwise (the worker's
   * stage cache keeps its own). `onEvent` gets the engine's events as the worker sends them;
   * aborting `signal` cancels the run in the worker between stages (and between tokens).
   */
  run(inputs: Record<string, Tensor>, options?: WorkerRunOptions): Promise<WorkerRunResult>;
  clearCache(): Promise<void>;
  release(): Promise<void>;
}

export interface ProgramWorkerClient {
  /** Loads a compiled plan into the worker; its model bytes are moved there, not copied. */
  load(compiled: CompiledPlanLike, options?: { providers?: Provider[]; onEvent?: LoadOptions['onEvent'] }): Promise<WorkerProgram>;
  /** A message to the worker and straight back: what any run pays for crossing threads. */
  ping(): Promise<RunTrip>;
  /** Which providers onnxruntime-web can use in the worker, and why the others are missing. */
  describeProviders(): Promise<ProviderStatus[]>;
  /** Releases every program and ends the worker. */
  close(): Promise<void>;
  /**
   * Ends the worker at once, even mid-run (onnxruntime cannot stop a run half way); calls still
   * waiting reject with RUNTIME_WORKER_FAILED.
   */
  terminate(): void;
}

type Pending = { resolve(m: Extract<ProgramMessage, { reply: unknown }>, at: number): void; reject(e: Error): void; onEvent?: (e: unknown) => void };

const cancelled = () => new DOMException('the run was cancelled', 'AbortError');

function eventFromWire(e: EngineEventWire): EngineEvent {
  return e.type === 'stage-failed' ? { ...e, error: fromWire(e.error) } : e;
}

/**
 * The page's side of a worker started from a file that calls `serveProgramWorker` (see
 * program-worker.ts). Unlike `createWebRuntime`, where the engine stays on the page and each
 * stage of a run is a round trip to the worker, here the engine is in the worker too.
 */
export async function connectProgramWorker(worker: Worker, options: WebRuntimeOptions = {}): Promise<ProgramWorkerClient> {
  let failed: ModalflowError | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const fail = (message: string) => {
    failed ??= new ModalflowError('RUNTIME_WORKER_FAILED', `the program worker failed: ${message}`);
    for (const p of pending.values()) p.reject(failed);
    pending.clear();
  };
  worker.addEventListener('error', (e) => fail(e.message || 'it could not start'));
  worker.addEventListener('messageerror', () => fail('a message from it could not be read'));
  worker.addEventListener('message', (e: MessageEvent) => {
    const at = epochMs();
    const m = e.data as ProgramMessage;
    const p = pending.get(m.id);
    if (!p) return;
    if ('event' in m) {
      p.onEvent?.(m.event);
      return;
    }
    pending.delete(m.id);
    p.resolve(m, at);
  });
  const alive = () => {
    if (failed) throw failed;
  };
  type Body = ProgramRequest extends infer R ? (R extends ProgramRequest ? Omit<R, 'id'> : never) : never;
  const send = (body: Body, transfer: Transferable[] = [], onEvent?: (e: unknown) => void) => {
    alive();
    const id = nextId++;
    const reply = new Promise<{ m: Extract<ProgramMessage, { reply: unknown }>; at: number }>((resolve, reject) => {
      pending.set(id, { resolve: (m, at) => resolve({ m, at }), reject, ...(onEvent ? { onEvent } : {}) });
    });
    worker.postMessage({ ...body, id }, transfer);
    return { id, reply };
  };
  const call = async <T>(body: Body, transfer: Transferable[] = [], onEvent?: (e: unknown) => void): Promise<T> =>
    unwrap((await send(body, transfer, onEvent).reply).m.reply as Reply<T>);

  await call<void>({ method: 'configure', options });
  return {
    async load(compiled, loadOptions = {}) {
      const moving: ArrayBuffer[] = [];
      const models: Record<string, Uint8Array> = {};
      for (const [name, bytes] of Object.entries(compiled.models)) {
        const p = packModel(bytes, false);
        models[name] = p.value;
        moving.push(...p.transfer);
      }
      const onLoad = loadOptions.onEvent;
      const { program, providers } = await call<LoadReply>(
        { method: 'load', compiled: { ...compiled, models }, ...(loadOptions.providers ? { providers: loadOptions.providers } : {}), events: !!onLoad },
        [...new Set(moving)],
        onLoad ? (e) => onLoad(e as LoadEvent) : undefined,
      );
      return {
        providers,
        plan: compiled.plan,
        async run(inputs, runOptions = {}) {
          const { signal, onEvent } = runOptions;
          if (signal?.aborted) throw cancelled();
          const packed = packFeeds(inputs, runOptions.keepInputs);
          const posted = epochMs();
          const { id, reply } = send(
            { method: 'run', program, inputs: packed.value, options: { taps: runOptions.taps, cache: runOptions.cache }, events: !!onEvent, cancellable: !!signal, posted },
            packed.transfer,
            onEvent ? (e) => onEvent(eventFromWire(e as EngineEventWire)) : undefined,
          );
          // The worker stops the run at its next stage boundary; the caller hears at once.
          let onAbort = () => {};
          const stopped = new Promise<never>((_, reject) => {
            onAbort = () => {
              if (!failed) worker.postMessage({ id: nextId++, method: 'abort', run: id } satisfies ProgramRequest);
              reject(cancelled());
            };
          });
          signal?.addEventListener('abort', onAbort, { once: true });
          try {
            const { m, at } = await (signal ? Promise.race([reply, stopped]) : reply);
            const value = unwrap(m.reply as Reply<RunResult>);
            return { ...value, trip: { ...m.trip!, returned: at } };
          } finally {
            signal?.removeEventListener('abort', onAbort);
          }
        },
        clearCache: () => call<void>({ method: 'clearCache', program }),
        release: () => call<void>({ method: 'release', program }),
      };
    },
    describeProviders: () => call<ProviderStatus[]>({ method: 'describeProviders' }),
    terminate() {
      fail('it was stopped');
      worker.terminate();
    },
    async ping() {
      const { m, at } = await send({ method: 'ping', posted: epochMs() }).reply;
      return { ...m.trip!, returned: at };
    },
    async close() {
      try {
        if (!failed) await call<void>({ method: 'close' });
      } finally {
        fail('it was closed');
        worker.terminate();
      }
    },
  };
}
