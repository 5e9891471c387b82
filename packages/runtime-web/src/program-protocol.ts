import type { Tensor } from '@modalflow/core';
import type { EngineEvent, LoadOptions, RunOptions, RunResult, StageProvider } from '@modalflow/engine';
import type { WebRuntimeOptions } from './types.ts';
import type { Reply, WireError } from './wire.ts';

/**
 * Milliseconds since the Unix epoch at sub-millisecond resolution, comparable between the page
 * and its workers: each has its own `performance.now()` zero, but `timeOrigin + now()` is the
 * same clock everywhere.
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Where one run's time went, each an `epochMs()` stamp: the page posted the request, the worker
 * received it, the engine started and ended, the worker posted the reply, the page received it.
 */
export interface RunTrip {
  posted: number;
  received: number;
  engineStart: number;
  engineEnd: number;
  replied: number;
  returned: number;
}

export type EngineEventWire = Exclude<EngineEvent, { type: 'stage-failed' }> | { type: 'stage-failed'; stage: string; index: number; error: WireError };
export type LoadEvent = Parameters<NonNullable<LoadOptions['onEvent']>>[0];

/** Page to worker: one message per call; `id` pairs it with its reply. */
export type ProgramRequest =
  | { id: number; method: 'configure'; options: WebRuntimeOptions }
  | { id: number; method: 'load'; compiled: unknown; providers?: LoadOptions['providers']; events: boolean }
  | {
      id: number;
      method: 'run';
      program: number;
      inputs: Record<string, Tensor>;
      options: Pick<RunOptions, 'taps' | 'cache'>;
      /** Send engine events (stage progress, tokens) as they happen. */
      events: boolean;
      /** The page may cancel this run: the worker reads its messages before each session run. */
      cancellable: boolean;
      posted: number;
    }
  /** Cancels the run that request `run` started; it ends with an AbortError reply. */
  | { id: number; method: 'abort'; run: number }
  | { id: number; method: 'clearCache' | 'release'; program: number }
  | { id: number; method: 'close' }
  /** Which providers the worker's onnxruntime-web can use there, and why others are missing. */
  | { id: number; method: 'describeProviders' }
  /** Answered at once: the cost of the trip alone, with nothing run. */
  | { id: number; method: 'ping'; posted: number };

/** Worker to page: a reply ends a call; events may come before it. */
export type ProgramMessage =
  | { id: number; reply: Reply<unknown>; trip?: Omit<RunTrip, 'returned'> }
  | { id: number; event: EngineEventWire | LoadEvent };

export type RunReply = RunResult;
export interface LoadReply {
  program: number;
  providers: Record<string, StageProvider>;
}
