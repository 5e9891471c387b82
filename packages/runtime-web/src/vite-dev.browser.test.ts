import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../browser/harness.ts';
import { exampleGraph, floats, maxAbsDiff, runInNode } from '../browser/node-reference.ts';

// The editor runs under Vite's dev server while it is developed: the worker, ORT and its .wasm
// must load there with no configuration too (no optimizeDeps entries, no copied assets).
let h: Harness;
beforeAll(async () => {
  h = await openHarness({ mode: 'dev' });
});
afterAll(async () => {
  await h?.close();
});

describe('runtime-web under the Vite dev server', () => {
  it('runs late fusion in the worker on webgpu and wasm, and in the program worker (as the editor runs), matching onnxruntime-node', async () => {
    const graph = exampleGraph('late-fusion');
    const inputs = { text: floats([8, 16], 7), image: floats([8, 32], 8) };
    const node = await runInNode(graph, inputs);
    for (const [provider, where] of [
      ['webgpu', 'worker'],
      ['wasm', 'worker'],
      ['wasm', 'program-worker'],
    ] as const) {
      const web = await h.call('runGraph', { graph, inputs, provider, where });
      for (const stage of Object.values(web.providers)) expect(stage.provider).toBe(provider);
      expect(maxAbsDiff(web.outputs['probs']!, node.outputs['probs']!)).toBeLessThan(1e-4);
    }
  });
});
