export { isCoreDType, tensorProblem, toOrtTensor, fromOrtTensor, shapeProblem, type TensorChecks } from './tensors.ts';
export { checkKeep, disposeAll, fromOrtResults, runFailed, sessionPorts, splitResults, toOrtFeeds, type SessionPorts } from './session-io.ts';
export { isCpuFallbackRefusal, isModelError, messageOf, nodeFromRunError, portFromRunError } from './ort-errors.ts';
export {
  createWatchingCpuFallback,
  openOnFirstProvider,
  ProviderRefused,
  SEVERITY,
  type CpuFallbackPolicy,
  type LogSeverity,
  type OrtErrorDialect,
  type OrtProviderAttempt,
  type OrtSessionOptions,
  type ProviderChain,
} from './providers.ts';
export { hostFromResident, residentFromHost } from './resident.ts';
