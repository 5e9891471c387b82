import { defineConfig } from 'vitest/config';
// Generous timeouts: `npm test` runs every package at once on small shared machines.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 } });
