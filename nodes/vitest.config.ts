import { defineConfig } from 'vitest/config';
// onnxruntime-node's native binding does not survive vmThreads isolation.
export default defineConfig({ test: { include: ['**/*.test.ts'], exclude: ['node_modules/**'], pool: 'forks', testTimeout: 60_000 } });
