import type { Tensor } from '@modalflow/core';

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
  release(): Promise<void>;
}

/**
 * The engine's only view of onnxruntime. Two implementations exist: runtime-node and
 * runtime-web; the engine never imports onnxruntime itself.
 */
export interface Runtime {
  readonly name: string;
  createSession(model: Uint8Array, options?: SessionOptions): Promise<RuntimeSession>;
}
