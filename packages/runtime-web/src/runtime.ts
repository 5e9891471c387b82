import { ModalflowError } from '@modalflow/core';
import { DEFAULT_PROVIDERS } from './defaults.ts';
import { inlineLink } from './inline-link.ts';
import type { Link } from './link.ts';
import { WebResidents } from './resident.ts';
import { WebSession } from './session.ts';
import type { Traffic } from './transfer.ts';
import type { WebRuntime, WebRuntimeOptions, WebRuntimeSession, WebSessionOptions, WorkerRuntimeOptions } from './types.ts';
import type { HostConfig, ProviderStatus } from './wire.ts';
import { workerLink } from './worker-link.ts';

function hostConfig(o: WebRuntimeOptions): HostConfig {
  return {
    providers: o.providers?.length ? [...o.providers] : [...DEFAULT_PROVIDERS],
    ...(o.sessionOptions ? { sessionOptions: o.sessionOptions } : {}),
    ...(o.cpuFallback ? { cpuFallback: o.cpuFallback } : {}),
    ...(o.powerPreference ? { powerPreference: o.powerPreference } : {}),
    ...(o.wasmThreads !== undefined ? { wasmThreads: o.wasmThreads } : {}),
    ...(o.wasmUrl ? { wasmUrl: o.wasmUrl } : {}),
    ...(o.logSeverity ? { logSeverity: o.logSeverity } : {}),
  };
}

function emptyModel(label: string, model: Uint8Array): ModalflowError {
  const detached = (model?.buffer as { detached?: boolean } | undefined)?.detached === true;
  const why = detached
    ? ": its buffer was transferred to a web runtime's worker by an earlier createSession; pass fresh bytes, or create the runtime with modelBytes: 'copy' to load the same bytes more than once"
    : '';
  return new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": the model is empty (0 bytes)${why}`);
}

class OnnxWebRuntime implements WebRuntime {
  readonly name = 'onnxruntime-web' as const;
  readonly #link: Link;
  readonly #sessions = new Set<WebSession>();
  readonly resident: WebResidents;

  constructor(
    readonly where: 'worker' | 'inline',
    link: Link,
  ) {
    this.#link = link;
    this.resident = new WebResidents(link);
  }

  traffic(): Traffic {
    return { ...this.#link.traffic };
  }

  async createSession(model: Uint8Array, options: WebSessionOptions = {}): Promise<WebRuntimeSession> {
    const label = options.label ?? 'model';
    if (!(model instanceof Uint8Array) || model.byteLength === 0) throw emptyModel(label, model);
    const info = await this.#link.createSession(model, {
      providers: options.providers ? [...options.providers] : [],
      label,
      ...(options.sessionOptions ? { sessionOptions: options.sessionOptions } : {}),
      ...(options.keepOutputs?.length ? { keepOutputs: [...options.keepOutputs] } : {}),
    });
    const session = new WebSession(this.#link, info, label, (s) => this.#sessions.delete(s), this.resident);
    this.#sessions.add(session);
    return session;
  }

  describeProviders(): Promise<ProviderStatus[]> {
    return this.#link.describeProviders();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#sessions].map((s) => s.release()));
    await this.#link.close();
  }
}

/**
 * onnxruntime-web in a dedicated worker: the page only posts tensors and awaits results, so a
 * long run never blocks it. Providers are tried in order (default webgpu, then wasm).
 */
export function createWebRuntime(options: WorkerRuntimeOptions = {}): WebRuntime {
  if (!options.worker && typeof Worker === 'undefined') {
    throw new ModalflowError('RUNTIME_WORKER_FAILED', 'this environment has no Worker; use createInlineWebRuntime() here');
  }
  // This exact shape is what Vite recognises to bundle the worker and its imports (ORT, its wasm).
  const worker = options.worker ?? startOrtWorker();
  return new OnnxWebRuntime('worker', workerLink(worker, hostConfig(options), options.modelBytes ?? 'transfer'));
}

/** onnxruntime-web on the calling thread, for environments without workers and for tests. */
export function createInlineWebRuntime(options: WebRuntimeOptions = {}): WebRuntime {
  return new OnnxWebRuntime('inline', inlineLink(hostConfig(options)));
}

/**
 * Starts the worker that hosts onnxruntime-web. Exported so an app can own the worker and
 * terminate it at once (a Cancel button), where closing the runtime waits for the run inside
 * onnxruntime to finish. Bundlers see the worker through this `new URL(..., import.meta.url)`.
 */
export function startOrtWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'modalflow-onnxruntime' });
}
