import type { Provider } from '@modalflow/engine';

export const DEFAULT_PROVIDERS: readonly Provider[] = ['webgpu', 'wasm'];
