import { defineConfig } from 'vitest/config';
// onnxruntime-node's native binding does not survive vmThreads isolation; generous timeouts
// because `npm test` runs every package at once on small shared machines.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], pool: 'forks', testTimeout: 60_000 } });
