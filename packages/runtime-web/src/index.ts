export { createInlineWebRuntime, createWebRuntime, startOrtWorker } from './runtime.ts';
export { DEFAULT_PROVIDERS } from './defaults.ts';
export type {
  OrtSessionOptions,
  WebProviderAttempt,
  WebRuntime,
  WebRuntimeOptions,
  WebRuntimeSession,
  WebSessionOptions,
  WorkerRuntimeOptions,
} from './types.ts';
export type { LogSeverity } from './ort.ts';
export type { ProviderStatus } from './wire.ts';
export { WebResident, type WebResidents } from './resident.ts';
export type { Traffic } from './transfer.ts';
export { connectProgramWorker, type ProgramWorkerClient, type RunTrip, type WorkerProgram, type WorkerRunOptions, type WorkerRunResult } from './program-link.ts';
