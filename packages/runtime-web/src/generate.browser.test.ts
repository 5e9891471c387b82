import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../browser/harness.ts';
import { floats, runInNode } from '../browser/node-reference.ts';
import { WEBGPU_DECODER as size, decoderGraph } from '../../../test/bench/decoder-graph.ts';

// Beam search in Chromium: the cache is reordered by the engine's Gather model and the
// cross-attention keys and values come from their own model, both kept in the worker runtime
// (GPU buffers on WebGPU) between steps. The tokens must be onnxruntime-node's.
let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

const big = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
const text = (v: unknown) => JSON.stringify(v, big);

describe('generation in Chromium', () => {
  const graph = JSON.stringify(decoderGraph(size, true, 'beam'));
  const inputs = { mem: floats([1, size.memory, size.dim], 5) };

  for (const [provider, where] of [['wasm', 'worker'], ['wasm', 'program-worker'], ['webgpu', 'worker']] as const) {
    it(`beam search with the cache on ${provider} (${where}) writes onnxruntime-node's tokens`, async () => {
      const node = await runInNode(graph, inputs, 0);
      const web = await h.call('runGraph', { graph, inputs, provider, where, reps: 0 });
      for (const stage of Object.values(web.providers)) expect(stage.provider).toBe(provider);
      expect(text(web.outputs['tokens'])).toBe(text(node.outputs['tokens']));
    });
  }
});
