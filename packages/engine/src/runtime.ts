import type { DType, Tensor } from '@modalflow/core';

/** Execution providers a runtime may be asked for, in the caller's order of preference. */
export type Provider = 'cuda' | 'webgpu' | 'wasm' | 'cpu';

export interface ProviderAttempt {
  provider: Provider;
  ok: boolean;
  /** Why the provider was skipped, in words a user can act on. */
  reason?: string;
  /** Anything else worth telling, e.g. that some nodes fell back to the CPU. */
  note?: string;
}

export interface SessionOptions {
  /** Ordered preference; the runtime falls back along it. */
  providers?: Provider[];
  /** Name used in errors and logs (the stage id). */
  label?: string;
  /**
   * Outputs the caller means to keep resident (see `RuntimeSession.runResident`). WebGPU fixes
   * where outputs land when the session is created, so naming them here lets it leave them in
   * GPU buffers; other providers ignore it.
   */
  keepOutputs?: readonly string[];
}

/**
 * A value that stays inside the runtime between runs: an onnxruntime tensor in the runtime's
 * own memory (a GPU buffer on WebGPU, the worker's heap in the browser). Opaque; only the
 * runtime that made it can feed, read or release it. Its dtype and dims are known up front so
 * callers can check shapes without reading it back.
 */
export interface ResidentTensor {
  readonly resident: true;
  readonly dtype: DType;
  readonly dims: readonly number[];
}

/** A run's input: a host tensor, or a value the runtime already holds. */
export type Feed = Tensor | ResidentTensor;

export function isResident(v: Feed | undefined): v is ResidentTensor {
  return (v as ResidentTensor | undefined)?.resident === true;
}

export interface ResidentRun {
  /** Outputs returned to the caller as host tensors. */
  outputs: Record<string, Tensor>;
  /** Outputs left in the runtime; the caller releases them. */
  kept: Record<string, ResidentTensor>;
}

/**
 * Values kept in a runtime between runs, so that what feeds the next run (parameters and
 * optimiser state during training) is neither read back nor sent again on every run.
 */
export interface ResidentValues {
  /** Places a host tensor in the runtime; the caller's tensor is copied, not kept. */
  upload(t: Tensor): Promise<ResidentTensor>;
  /** Reads a resident value back into a host tensor of its own. */
  download(v: ResidentTensor): Promise<Tensor>;
  /** Frees the values (GPU buffers included); they must not be used afterwards. */
  release(values: readonly ResidentTensor[]): Promise<void>;
}

export interface RuntimeSession {
  /** The provider the session actually runs on. */
  readonly provider: Provider;
  /** Every provider tried before settling, with the reason each was skipped. */
  readonly attempts: readonly ProviderAttempt[];
  /** True when a GPU session placed some nodes on the CPU (the runtime cannot say how many). */
  readonly cpuFallback?: boolean;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>>;
  /**
   * Present when the runtime has `resident`. Like `run`, but feeds may be resident values (used
   * in place, not copied) and the outputs named in `keep` stay in the runtime. A failed run
   * keeps nothing. `fetches`, when given, must include every name in `keep`.
   */
  runResident?(feeds: Record<string, Feed>, keep: readonly string[], fetches?: readonly string[]): Promise<ResidentRun>;
  release(): Promise<void>;
}

/**
 * The engine's only view of onnxruntime. Two implementations exist: runtime-node and
 * runtime-web; the engine never imports onnxruntime itself.
 */
export interface Runtime {
  readonly name: string;
  createSession(model: Uint8Array, options?: SessionOptions): Promise<RuntimeSession>;
  /** Present when values can stay in the runtime between runs; absent, every run goes through host tensors. */
  readonly resident?: ResidentValues;
}
