import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // onnxruntime-node is a native addon that breaks inside vmThreads; forks give each test file a real process.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
