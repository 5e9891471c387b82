import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The browser tests also run onnxruntime-node, a native addon that breaks inside vmThreads.
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    // Generous: `npm test` runs every package at once on two cores, and the browser tests
    // build an app and start Chromium in their hooks.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
