import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The browser tests also run onnxruntime-node, a native addon that breaks inside vmThreads.
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
