import { defineConfig } from 'vitest/config';
// onnxruntime-node's native binding does not survive vmThreads isolation.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], pool: 'forks', testTimeout: 120_000, hookTimeout: 120_000 } });
