import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../browser/harness.ts';
import { exampleGraph, floats, maxAbsDiff, runInNode } from '../browser/node-reference.ts';

// Chromium with WebGPU on its SwiftShader adapter, the harness page built by Vite as an app
// would be: see browser/chromium.ts for the flags.
let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

const lateFusion = exampleGraph('late-fusion');

describe('runtime-web in Chromium', () => {
  it('finds WebGPU on a real adapter and names the providers a browser cannot have', async () => {
    const status = await h.call('providers');
    expect(status.find((s) => s.provider === 'webgpu')).toMatchObject({ available: true, adapter: expect.stringMatching(/\S/) });
    expect(status.find((s) => s.provider === 'wasm')).toMatchObject({ available: true });
    expect(status.find((s) => s.provider === 'cpu')?.reason).toMatch(/'wasm'/);
  });

  for (const provider of ['webgpu', 'wasm'] as const) {
    it(`runs every compiled stage on ${provider} in the worker and reports ${provider}`, async () => {
      const { stages } = await h.call('runStages', lateFusion, provider, 'worker');
      expect(stages).toHaveLength(3);
      for (const s of stages) {
        expect(s.provider, s.id).toBe(provider);
        expect(s.attempts).toEqual([{ provider, ok: true }]);
        expect(s.outputs.length).toBeGreaterThan(0);
      }
    });
  }

  it('falls back from webgpu to wasm and says why', async () => {
    const { provider, attempts } = await h.call('fallback');
    expect(provider).toBe('wasm');
    expect(attempts).toEqual([
      { provider: 'webgpu', ok: false, reason: expect.stringMatching(/^navigator\.gpu is missing/) },
      { provider: 'wasm', ok: true },
    ]);
  });

  it('one engine, two places: late fusion in Chromium matches onnxruntime-node on CPU', async () => {
    const inputs = { text: floats([64, 16], 1), image: floats([64, 32], 101) };
    const node = await runInNode(lateFusion, inputs);
    const runs = [
      { provider: 'webgpu', where: 'worker' },
      { provider: 'wasm', where: 'worker' },
      { provider: 'wasm', where: 'inline' },
      // The whole plan in one worker: engine and sessions there, one message per run.
      { provider: 'webgpu', where: 'program-worker' },
      { provider: 'wasm', where: 'program-worker' },
    ] as const;
    for (const { provider, where } of runs) {
      const web = await h.call('runGraph', { graph: lateFusion, inputs, provider, where });
      for (const stage of Object.values(web.providers)) expect(stage.provider).toBe(provider);
      for (const name of ['probs', 'logits']) {
        expect(web.outputs[name]!.dims).toEqual([64, 4]);
        expect(maxAbsDiff(web.outputs[name]!, node.outputs[name]!), `${name} on ${provider} (${where})`).toBeLessThan(1e-4);
      }
    }
  });

  it('moves tensors and model bytes to the worker instead of copying them', async () => {
    const r = await h.call('transfer', lateFusion);
    expect(r).toMatchObject({
      modelDetached: true,
      inputDetached: true,
      inputReattached: true,
      inputValuesKept: true,
      partialSourceIntact: true,
      outputsOwnBuffers: true,
      secondRunOk: true,
      runError: { code: 'RUNTIME_RUN_FAILED', port: r.inputName },
      failedInputReattached: true,
    });
    expect(r.reloadError).toMatch(/^RUNTIME_BAD_MODEL: .*transferred to a web runtime's worker/);
  });

  it('takes overlapping runs one at a time, as ORT requires, with the same results', async () => {
    expect(await h.call('concurrent', lateFusion, 'webgpu', 'worker')).toEqual({ runs: 12, identical: 12 });
  });

  it('reports a worker that cannot start instead of waiting forever', async () => {
    const r = await h.call('deadWorker');
    expect(r.code).toBe('RUNTIME_WORKER_FAILED');
  });

  for (const [provider, where] of [
    ['wasm', 'worker'],
    ['webgpu', 'worker'],
    ['wasm', 'inline'],
  ] as const) {
    it(`keeps values in the host between runs, sending only ids for them (${provider}, ${where})`, async () => {
      const r = await h.call('resident', provider, where);
      expect(r.location).toBe(provider === 'webgpu' ? 'gpu-buffer' : 'cpu');
      // Each step sends x alone and receives y alone: no byte of w crosses in either direction.
      expect(r.resident).toEqual({ sentBytes: r.steps * r.xBytes, receivedBytes: r.steps * r.yBytes, residentFeeds: r.steps, runs: r.steps });
      // Plain runs carry w both ways on every step.
      expect(r.plain).toEqual({ sentBytes: r.steps * (r.xBytes + r.wBytes), receivedBytes: r.steps * (r.yBytes + r.wBytes) });
      expect(r.uploadBytes).toBe(r.wBytes);
      expect(r.downloadBytes).toBe(r.wBytes);
      expect(r.wError).toBeLessThan(1e-5);
      expect(r.yError).toBeLessThan(1e-5);
      expect(r.otherSessionError).toBeLessThan(1e-5);
      expect(r.releasedError).toMatch(/input "w": the resident value was released/);
    });
  }

  for (const where of ['worker', 'inline'] as const) {
    it(`rejects bytes that are not a model with RUNTIME_BAD_MODEL (${where})`, async () => {
      const r = await h.call('badModel', where);
      expect(r.code).toBe('RUNTIME_BAD_MODEL');
      expect(r.message).toMatch(/protobuf parsing failed/);
    });
  }
});
