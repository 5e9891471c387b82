import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each test file in its own process: onnxruntime's native state and spawned CLIs stay isolated.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
