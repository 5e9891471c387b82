import { ModalflowError, type AssetData, type GraphDoc, type Tensor } from '@modalflow/core';
import type { CompiledPlan } from '@modalflow/compiler';
import type { CompileReply, CompileRequest } from './compileProtocol.ts';

const aborted = () => new DOMException('the run was cancelled', 'AbortError');

/** Compiles in a worker of its own; cancelling ends the worker, and the next compile starts a fresh one. */
export class CompileClient {
  #worker: Worker | null = null;
  #next = 1;

  compile(
    doc: GraphDoc,
    assets: ReadonlyMap<string, AssetData>,
    taps: string[],
    signal?: AbortSignal,
    weights?: ReadonlyMap<string, Tensor>,
    libraries: ReadonlyMap<string, string> = new Map(),
  ): Promise<CompiledPlan> {
    if (signal?.aborted) return Promise.reject(aborted());
    const worker = (this.#worker ??= new Worker(new URL('./compile.worker.ts', import.meta.url), { type: 'module', name: 'modalflow-compiler' }));
    const id = this.#next++;
    return new Promise<CompiledPlan>((resolve, reject) => {
      const done = () => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (e: MessageEvent<CompileReply>) => {
        if (e.data.id !== id) return;
        done();
        if (e.data.ok) return resolve(e.data.compiled);
        const { error } = e.data;
        if (error.code) reject(error.problems?.length ? ModalflowError.fromProblems(error.problems) : new ModalflowError(error.code, error.message, error.at ?? {}));
        else reject(Object.assign(new Error(error.message), { name: error.name }));
      };
      const onError = (e: ErrorEvent) => {
        done();
        this.terminate();
        reject(new Error(`the compiler's worker failed: ${e.message || 'it could not start'}`));
      };
      const onAbort = () => {
        done();
        this.terminate();
        reject(aborted());
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Plain objects only: the document and asset records cross by structured clone.
      const request: CompileRequest = {
        id,
        doc: JSON.parse(JSON.stringify(doc)) as GraphDoc,
        assets: Object.fromEntries(assets),
        taps,
        libraries: Object.fromEntries(libraries),
        ...(weights ? { weights: Object.fromEntries(weights) } : {}),
      };
      worker.postMessage(request);
    });
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
