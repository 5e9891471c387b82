import { transfer, wrap, type Remote } from 'comlink';
import { ModalflowError, type Tensor } from '@modalflow/core';
import type { Provider, RunOptions, RunResult, StageProvider } from '@modalflow/engine';
import type { CompiledPlanLike, ProgramWorkerApi } from './program-worker.ts';
import { packFeeds, packModel } from './transfer.ts';
import type { WebRuntimeOptions } from './types.ts';
import { unwrap } from './wire.ts';

/** A plan loaded in a program worker: the page's handle. */
export interface WorkerProgram {
  readonly providers: Record<string, StageProvider>;
  /**
   * Runs the whole plan in the worker. Inputs whose typed array spans its whole buffer are
   * moved there (the caller's array is left detached, so pass fresh tensors each run); others
   * are copied. Outputs come back moved when `cache` is false, copied otherwise (the worker's
   * stage cache keeps its own).
   */
  run(inputs: Record<string, Tensor>, options?: Pick<RunOptions, 'taps' | 'cache'>): Promise<RunResult>;
  clearCache(): Promise<void>;
  release(): Promise<void>;
}

export interface ProgramWorkerClient {
  /** Loads a compiled plan into the worker; its model bytes are moved there, not copied. */
  load(compiled: CompiledPlanLike, options?: { providers?: Provider[] }): Promise<WorkerProgram>;
  /** Releases every program and ends the worker. */
  close(): Promise<void>;
}

/**
 * The page's side of a worker started from a file that calls `serveProgramWorker` (see
 * program-worker.ts). Unlike `createWebRuntime`, where the engine stays on the page and each
 * stage of a run is a round trip to the worker, here the engine is in the worker too.
 */
export async function connectProgramWorker(worker: Worker, options: WebRuntimeOptions = {}): Promise<ProgramWorkerClient> {
  const api: Remote<ProgramWorkerApi> = wrap<ProgramWorkerApi>(worker);
  let failed: ModalflowError | undefined;
  worker.addEventListener('error', (e) => {
    failed = new ModalflowError('RUNTIME_WORKER_FAILED', `the program worker failed: ${e.message || 'it could not start'}`);
  });
  const alive = () => {
    if (failed) throw failed;
  };
  unwrap(await api.configure(options));
  return {
    async load(compiled, loadOptions = {}) {
      alive();
      const moving: ArrayBuffer[] = [];
      const models: Record<string, Uint8Array> = {};
      for (const [name, bytes] of Object.entries(compiled.models)) {
        const p = packModel(bytes, false);
        models[name] = p.value;
        moving.push(...p.transfer);
      }
      const { id, providers } = unwrap(await api.load(transfer({ ...compiled, models }, [...new Set(moving)]), loadOptions));
      return {
        providers,
        async run(inputs, runOptions = {}) {
          alive();
          const packed = packFeeds(inputs);
          return unwrap(await api.run(id, transfer(packed.value, packed.transfer), { taps: runOptions.taps, cache: runOptions.cache }));
        },
        async clearCache() {
          unwrap(await api.clearCache(id));
        },
        async release() {
          unwrap(await api.release(id));
        },
      };
    },
    async close() {
      try {
        if (!failed) unwrap(await api.close());
      } finally {
        worker.terminate();
      }
    },
  };
}
