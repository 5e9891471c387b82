import type { Provider, ProviderAttempt, Runtime, RuntimeSession, SessionOptions } from '@modalflow/engine';
import type { OrtSessionOptions } from '@modalflow/runtime-ort';
import type { OrtEnvOptions } from './ort.ts';
import type { WebResidents } from './resident.ts';
import type { Traffic } from './transfer.ts';
import type { ProviderStatus } from './wire.ts';

export type { OrtSessionOptions };

export interface WebRuntimeOptions extends OrtEnvOptions {
  /** Preference order; defaults to webgpu, wasm. */
  providers?: Provider[];
  sessionOptions?: OrtSessionOptions;
  /**
   * When the WebGPU provider lacks kernels for some nodes ORT runs those on its CPU (wasm)
   * provider. 'allow' (default) keeps the session and reports `cpuFallback: true`; 'forbid'
   * counts webgpu as failed for that model and moves on.
   */
  cpuFallback?: 'allow' | 'forbid';
  powerPreference?: 'low-power' | 'high-performance';
}

export interface WorkerRuntimeOptions extends WebRuntimeOptions {
  /**
   * 'transfer' (default) moves the model bytes to the worker: no copy, but the caller's
   * Uint8Array is left empty, so the same bytes cannot create a second session. 'copy' keeps
   * them usable (for loading one compiled plan more than once).
   */
  modelBytes?: 'transfer' | 'copy';
  /** A worker running this package's `worker.ts`, for bundlers other than Vite. */
  worker?: Worker;
}

export interface WebSessionOptions extends SessionOptions {
  sessionOptions?: OrtSessionOptions;
}

export interface WebProviderAttempt extends ProviderAttempt {
  /** Time spent on this provider: the check or the session creation. */
  ms: number;
}

export interface WebRuntimeSession extends RuntimeSession {
  readonly label: string;
  readonly attempts: readonly WebProviderAttempt[];
  /** True when a webgpu session runs some nodes on ORT's wasm CPU provider. */
  readonly cpuFallback: boolean;
}

export interface WebRuntime extends Runtime {
  readonly name: 'onnxruntime-web';
  /** 'worker' or 'inline': where ORT runs. */
  readonly where: 'worker' | 'inline';
  createSession(model: Uint8Array, options?: WebSessionOptions): Promise<WebRuntimeSession>;
  /** Which providers work in this browser and why the others do not. */
  describeProviders(): Promise<ProviderStatus[]>;
  /** Values kept in the host between runs; their handles are `WebResident`s. */
  readonly resident: WebResidents;
  /** Tensor bytes carried to and from the host so far (a snapshot). */
  traffic(): Traffic;
  /** Releases every session; the worker runtime also ends its worker. */
  close(): Promise<void>;
}
