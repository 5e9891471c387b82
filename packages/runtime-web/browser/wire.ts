// What the harness page and the Node side exchange: JSON-safe shapes only.

export interface PlainTensor {
  dims: number[];
  data: number[];
}

export type Where = 'worker' | 'inline';

export interface GraphRunRequest {
  graph: string;
  inputs: Record<string, PlainTensor>;
  provider: 'webgpu' | 'wasm';
  /** `program-worker`: the whole plan (engine, host steps, sessions) runs in a worker, one message per run. */
  where: Where | 'program-worker';
  /** Timed runs after one warm-up; 0 runs once. */
  reps?: number;
  /** Also time a second load of the plan, once ORT's wasm is compiled. */
  reload?: boolean;
  /** WebAssembly threads (only honoured on a cross-origin-isolated page). */
  wasmThreads?: number;
}

export interface GraphRunResult {
  outputs: Record<string, PlainTensor>;
  providers: Record<string, { provider: string; skipped: { provider: string; reason?: string }[] }>;
  /** The first load: worker start, ORT's wasm compiled, sessions created. */
  loadMs: number;
  /** A second load in the same runtime: session creation alone. */
  reloadMs?: number;
  crossOriginIsolated: boolean;
  /** The first run, which compiles WebGPU shaders. */
  firstRunMs: number;
  runMs: number[];
}

export interface ModelRunResult {
  stages: { id: string; provider: string; attempts: { provider: string; ok: boolean; reason?: string }[]; outputs: string[] }[];
}

export interface TransferReport {
  inputName: string;
  modelDetached: boolean;
  inputDetached: boolean;
  inputReattached: boolean;
  inputValuesKept: boolean;
  partialSourceIntact: boolean;
  outputsOwnBuffers: boolean;
  secondRunOk: boolean;
  runError: { code: string; port: string };
  failedInputReattached: boolean;
  reloadError: string;
}

export interface ResidentReport {
  /** Where the kept values live: 'gpu-buffer' on WebGPU, 'cpu' on wasm. */
  location: string;
  /** Bytes of one feed x, of the resident weight w, and of the host output y. */
  xBytes: number;
  wBytes: number;
  yBytes: number;
  steps: number;
  /** Traffic of the steps fed and keeping resident values (after the upload). */
  resident: { sentBytes: number; receivedBytes: number; residentFeeds: number; runs: number };
  /** The same steps through plain runs, for contrast. */
  plain: { sentBytes: number; receivedBytes: number };
  uploadBytes: number;
  downloadBytes: number;
  /** Largest |downloaded - expected| of w after the steps, and of the last y. */
  wError: number;
  yError: number;
  /** Relative error of a second session's sum over the kept w, fed to it in place. */
  otherSessionError: number;
  /** Message of a run fed a released value. */
  releasedError: string;
}

export interface HarnessApi {
  providers(): Promise<{ provider: string; available: boolean; reason?: string; adapter?: string }[]>;
  runGraph(req: GraphRunRequest): Promise<GraphRunResult>;
  runStages(graph: string, provider: 'webgpu' | 'wasm', where: Where): Promise<ModelRunResult>;
  transfer(graph: string): Promise<TransferReport>;
  fallback(): Promise<{ provider: string; attempts: { provider: string; ok: boolean; reason?: string }[] }>;
  roundTrip(reps: number): Promise<{ worker: number[]; inline: number[] }>;
  concurrent(graph: string, provider: 'webgpu' | 'wasm', where: Where): Promise<{ runs: number; identical: number }>;
  deadWorker(): Promise<{ code: string; message: string }>;
  badModel(where: Where): Promise<{ code: string; message: string }>;
  resident(provider: 'webgpu' | 'wasm', where: Where): Promise<ResidentReport>;
  /**
   * Bare round trips to a worker, in alternating turns: a message and its answer (the program
   * worker's ping), a comlink call answered at once, and, on a cross-origin-isolated page, shared memory with the worker polling
   * ('spin') or asleep in Atomics.wait ('wait') while the page polls for the answer.
   */
  tripFloor(reps: number): Promise<{ message: number[]; comlink: number[]; spin: number[]; wait: number[]; crossOriginIsolated: boolean }>;
  /** The program worker's calls beyond plain runs: events, cancelling, kept inputs, its trip stamps. */
  programWorkerCalls(graph: string): Promise<ProgramWorkerReport>;
  /** One plan loaded three ways in one page, runs alternated so load on the machine hits each alike. */
  interleaved(req: { graph: string; inputs: Record<string, PlainTensor>; provider: 'webgpu' | 'wasm'; reps: number }): Promise<InterleavedResult>;
}

export interface InterleavedResult {
  /** Per-run ms of each: the engine on the page with ORT inline, with ORT in a worker, and the whole plan in a program worker. */
  inline: number[];
  worker: number[];
  programWorker: number[];
  /** The program worker's runs as the engine inside it timed them: the rest is the trip. */
  programWorkerEngine: number[];
  /** The program worker's runs given an AbortSignal (each session run first yields a task there). */
  programWorkerCancellable: number[];
  /** A message to the program worker and straight back, once per turn. */
  ping: number[];
  /** Where each program-worker run's time went. */
  programWorkerPhases: TripPhases[];
  /** Largest difference of the program worker's outputs from the inline run's. */
  maxAbsDiff: number;
}

/**
 * One program-worker run in ms, from the page's clock and the worker's (aligned through
 * performance.timeOrigin): packing the feeds on the page, the message reaching the worker, waiting
 * there before the engine starts, the engine's run, packing the reply, the reply reaching the page,
 * and the page's promise resolving.
 */
export interface TripPhases {
  pack: number;
  toWorker: number;
  workerQueue: number;
  engine: number;
  workerReply: number;
  toPage: number;
  resolve: number;
  /** Of toPage, the time the page's thread spent in long tasks of its own (Chromium's longtask entries). */
  pageLongTasksWhileReplyWaited?: number;
}

export interface ProgramWorkerReport {
  providers: string[];
  loadEvents: { type: string; stage: string; provider: string }[];
  runEvents: string[];
  /** The trip's stamps in order: posted, received, engine start and end, replied, returned. */
  tripInOrder: boolean;
  keptInputIntact: boolean;
  movedInputDetached: boolean;
  abortedBefore: string;
  abortedDuring: string;
  /** The engine's events, in the worker, of the run aborted mid-way. */
  abortedDuringEvents: string[];
  afterAbortOk: boolean;
  pingInOrder: boolean;
  afterTerminate: string;
}
