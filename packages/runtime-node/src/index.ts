export {
  createNodeRuntime,
  describeProviders,
  DEFAULT_PROVIDERS,
  type LogSeverity,
  type NodeProviderAttempt,
  type NodeRuntime,
  type NodeRuntimeOptions,
  type NodeRuntimeSession,
  type NodeSessionOptions,
  type OrtSessionOptions,
  type ProviderStatus,
} from './runtime.ts';
export { fromOrtTensor, toOrtTensor } from './tensors.ts';
export type { NodeResidents } from './resident.ts';
