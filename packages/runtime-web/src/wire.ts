import { ModalflowError, type DType, type Location, type Problem, type Tensor, type TensorData } from '@modalflow/core';
import type { Provider } from '@modalflow/engine';
import type { OrtEnvOptions } from './ort.ts';
import type { OrtSessionOptions, WebProviderAttempt } from './types.ts';

/**
 * Errors cross postMessage as plain data: structured clone keeps only an Error's name and
 * message, and the code and location are what callers branch on.
 */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  at?: Location;
  problems?: Problem[];
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError };

export function toWire(e: unknown): WireError {
  if (e instanceof ModalflowError) return { name: e.name, message: e.message, code: e.code, at: e.at, problems: e.problems };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

export function fromWire(w: WireError): Error {
  if (w.code) {
    const first = w.problems?.[0];
    const err = new ModalflowError(w.code, first?.message ?? w.message, w.at ?? {}, w.problems);
    err.message = w.message;
    return err;
  }
  const err = new Error(w.message);
  err.name = w.name;
  return err;
}

export function unwrap<T>(r: Reply<T>): T {
  if (!r.ok) throw fromWire(r.error);
  return r.value;
}

export interface HostConfig extends OrtEnvOptions {
  providers: Provider[];
  sessionOptions?: OrtSessionOptions;
  cpuFallback?: 'allow' | 'forbid';
  powerPreference?: 'low-power' | 'high-performance';
}

export interface CreateRequest {
  providers: Provider[];
  label: string;
  sessionOptions?: OrtSessionOptions;
  /** Outputs runs will keep resident: a WebGPU session leaves them in GPU buffers. */
  keepOutputs?: string[];
}

/**
 * A value the host keeps between runs, as the page knows it: only its id crosses postMessage,
 * with its type and shape so the page can check shapes without asking.
 */
export interface ResidentInfo {
  ref: number;
  dtype: DType;
  dims: number[];
  /** Where ORT holds it: 'cpu' (the host's heap) or 'gpu-buffer'. */
  location: string;
}

export interface SessionInfo {
  id: number;
  provider: Provider;
  attempts: WebProviderAttempt[];
  inputNames: string[];
  outputNames: string[];
  cpuFallback: boolean;
}

export interface RunReply {
  outputs?: Record<string, Tensor>;
  /** Outputs kept in the host, by name. */
  kept?: Record<string, ResidentInfo>;
  /** The feeds' data, handed back so the caller's tensors are whole again (on failure too). */
  returned: Record<string, TensorData>;
  error?: WireError;
}

export interface ProviderStatus {
  provider: Provider;
  available: boolean;
  reason?: string;
  /** For webgpu: the adapter ORT will get (vendor, architecture). */
  adapter?: string;
  ms: number;
}

/** What the main thread calls, in the worker or in the same realm. */
export interface HostApi {
  configure(config: HostConfig): void;
  createSession(model: Uint8Array, request: CreateRequest): Promise<Reply<SessionInfo>>;
  /**
   * `held` feeds resident values by input name (their ids); the outputs named in `keep` stay
   * in the host and come back as ids.
   */
  run(id: number, feeds: Record<string, Tensor>, fetches: string[] | undefined, moved: string[], held?: Record<string, number>, keep?: string[]): Promise<RunReply>;
  release(id: number): Promise<void>;
  upload(t: Tensor): Promise<Reply<ResidentInfo>>;
  download(ref: number): Promise<Reply<Tensor>>;
  releaseResident(refs: number[]): Promise<void>;
  describeProviders(): Promise<ProviderStatus[]>;
}
