import { describe, expect, it } from 'vitest';
import { ModalflowError } from '@modalflow/core';
import type { Runtime } from '@modalflow/engine';
import { createNodeRuntime, DEFAULT_PROVIDERS, describeProviders } from '../src/index.ts';
import { cudaPrecheck, webgpuPrecheck } from '../src/providers.ts';
import { matmulModel, reshapeModel } from './fixtures/models.ts';

const cudaMissing = cudaPrecheck() !== undefined;
const webgpuEnv = !!process.env.VK_ICD_FILENAMES && !!process.env.LD_LIBRARY_PATH;
const x = { dtype: 'float32' as const, dims: [2, 4], data: new Float32Array([1, 2, 3, 4, 10, 20, 30, 40]) };

async function rejection(p: Promise<unknown>): Promise<ModalflowError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModalflowError);
  return e as ModalflowError;
}

describe('createNodeRuntime', () => {
  it('is a Runtime named onnxruntime-node preferring cuda, webgpu, cpu', () => {
    const rt: Runtime = createNodeRuntime();
    expect(rt.name).toBe('onnxruntime-node');
    expect(DEFAULT_PROVIDERS).toEqual(['cuda', 'webgpu', 'cpu']);
  });

  it.runIf(cudaMissing && !webgpuEnv)('falls back cuda -> webgpu -> cpu and says why each was skipped', async () => {
    const rt = createNodeRuntime();
    const s = await rt.createSession(matmulModel(), { label: 'stage-a' });
    expect(s.provider).toBe('cpu');
    expect(s.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['cuda', false],
      ['webgpu', false],
      ['cpu', true],
    ]);
    const [cuda, webgpu] = s.attempts;
    expect(cuda!.reason).toMatch(/^CUDA provider libraries are not installed \(libonnxruntime_providers_cuda\.so/);
    expect(cuda!.reason).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
    expect(cuda!.reason).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 node \S+install\.js/);
    if (webgpuPrecheck() === undefined) {
      // Linux x64 without Vulkan settings: the loader or a driver is missing, and the reason says how to get one.
      expect(webgpu!.reason).toMatch(/no WebGPU adapter: .*(libvulkan\.so\.1|Vulkan driver)/);
      expect(webgpu!.reason).toMatch(/VK_ICD_FILENAMES/);
    } else {
      expect(webgpu!.reason).toMatch(/no WebGPU execution provider/);
    }
  });

  it.runIf(cudaMissing && webgpuEnv && webgpuPrecheck() === undefined)('settles on webgpu after cuda when Vulkan is configured', async () => {
    const s = await createNodeRuntime().createSession(matmulModel(), { label: 'stage-b' });
    expect(s.provider).toBe('webgpu');
    expect(s.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['cuda', false],
      ['webgpu', true],
    ]);
    expect(Array.from((await s.run({ x })).y!.data as Float32Array)).toEqual([4, 6, 40, 60]);
  });

  it.runIf(cudaMissing)('skips a provider that failed for machine reasons at once on later sessions, with the same reason', async () => {
    const rt = createNodeRuntime({ providers: ['cuda', 'cpu'] });
    const first = await rt.createSession(matmulModel(), { label: 'one' });
    const second = await rt.createSession(matmulModel(), { label: 'two' });
    expect(second.attempts[0]!.reason).toBe(first.attempts[0]!.reason);
    expect(second.attempts[0]!.ms).toBeLessThan(5);
  });

  it('computes on cpu', async () => {
    const rt = createNodeRuntime({ providers: ['cpu'], sessionOptions: { graphOptimizationLevel: 'all', intraOpNumThreads: 1 } });
    const s = await rt.createSession(matmulModel(), { label: 'mm' });
    expect(s.provider).toBe('cpu');
    expect(s.cpuFallback).toBe(false);
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
    const out = await s.run({ x });
    expect(out.y!.dims).toEqual([2, 2]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([4, 6, 40, 60]);
    expect(Object.keys(await s.run({ x }, ['y']))).toEqual(['y']);
    await s.release();
    await s.release();
    const err = await rejection(s.run({ x }));
    expect(err.code).toBe('RUNTIME_RUN_FAILED');
    expect(err.message).toMatch(/session "mm": the session was released/);
  });

  it('honours per-session provider lists', async () => {
    const rt = createNodeRuntime({ providers: ['cuda'] });
    const s = await rt.createSession(matmulModel(), { providers: ['wasm', 'cpu'] });
    expect(s.provider).toBe('cpu');
    expect(s.attempts[0]).toMatchObject({ provider: 'wasm', ok: false });
    expect(s.attempts[0]!.reason).toMatch(/onnxruntime-web's provider/);
  });

  it.runIf(cudaMissing)('lists every attempt when no provider works', async () => {
    const rt = createNodeRuntime({ providers: ['cuda', 'wasm'] });
    const err = await rejection(rt.createSession(matmulModel(), { label: 'gpu-only' }));
    expect(err.code).toBe('RUNTIME_NO_PROVIDER');
    expect(err.message).toMatch(/session "gpu-only": no execution provider could run the model \(tried cuda, wasm\)/);
    expect(err.message).toMatch(/\n {2}cuda: CUDA provider libraries are not installed/);
    expect(err.message).toMatch(/\n {2}wasm: 'wasm' is onnxruntime-web's provider/);
    expect(err.problems.map((p) => p.message.split(':')[0])).toEqual(['cuda', 'wasm']);
  });

  it('rejects bytes that are not an ONNX model with RUNTIME_BAD_MODEL', async () => {
    const rt = createNodeRuntime({ providers: ['cpu'] });
    for (const bytes of [new Uint8Array([1, 2, 3, 4, 5]), new TextEncoder().encode('{"nodes":[]}'), matmulModel().subarray(0, 40)]) {
      const err = await rejection(rt.createSession(bytes, { label: 'broken' }));
      expect(err.code).toBe('RUNTIME_BAD_MODEL');
      expect(err.message).toMatch(/session "broken": onnxruntime cannot load the model: .*protobuf parsing failed/);
    }
    const empty = await rejection(rt.createSession(new Uint8Array(0)));
    expect(empty.code).toBe('RUNTIME_BAD_MODEL');
  });

  it('reports a bad model as a bad model even when GPU providers come first', async () => {
    const rt = createNodeRuntime();
    const err = await rejection(rt.createSession(new Uint8Array([8, 1, 0xff]), { label: 'junk' }));
    expect(err.code).toBe('RUNTIME_BAD_MODEL');
  });
});

describe('run errors', () => {
  const rt = createNodeRuntime({ providers: ['cpu'] });

  it('names the session and the input at fault', async () => {
    const s = await rt.createSession(matmulModel(), { label: 'encoder' });
    let err = await rejection(s.run({ x: { dtype: 'float32', dims: [1, 3], data: new Float32Array(3) } }));
    expect(err.code).toBe('RUNTIME_RUN_FAILED');
    expect(err.message).toMatch(/session "encoder": input "x": dimension 1 must be 4/);
    expect(err.at.port).toBe('x');

    err = await rejection(s.run({ x: { dtype: 'int32', dims: [1, 4], data: new Int32Array(4) } }));
    expect(err.message).toMatch(/input "x": the model expects float32, got int32/);

    err = await rejection(s.run({}));
    expect(err.message).toMatch(/input "x" was not fed/);

    err = await rejection(s.run({ x, z: x }));
    expect(err.message).toMatch(/unknown input "z"; the model's inputs are x/);

    err = await rejection(s.run({ x }, ['nope']));
    expect(err.message).toMatch(/unknown output "nope"; the model's outputs are y/);
    expect(err.at.port).toBe('nope');
  });
});

describe('kernel failures', () => {
  it('wraps ORT run errors with the session label and the ONNX node', async () => {
    const s = await createNodeRuntime({ providers: ['cpu'] }).createSession(reshapeModel(), { label: 'reshaper' });
    const ok = await s.run({
      x: { dtype: 'float32', dims: [6], data: new Float32Array(6) },
      shape: { dtype: 'int64', dims: [2], data: new BigInt64Array([2n, 3n]) },
    });
    expect(ok.y!.dims).toEqual([2, 3]);
    const err = await rejection(
      s.run({
        x: { dtype: 'float32', dims: [6], data: new Float32Array(6) },
        shape: { dtype: 'int64', dims: [2], data: new BigInt64Array([4n, 4n]) },
      }),
    );
    expect(err.code).toBe('RUNTIME_RUN_FAILED');
    expect(err.message).toMatch(/^RUNTIME_RUN_FAILED: session "reshaper": ONNX node "to_matrix": .*cannot be reshaped.*\(provider cpu\)/s);
  });
});

describe('describeProviders', () => {
  it('reports every provider with a reason for the unavailable ones', async () => {
    const report = await describeProviders();
    expect(report.map((r) => r.provider)).toEqual(['cuda', 'webgpu', 'cpu', 'wasm']);
    expect(report.find((r) => r.provider === 'cpu')).toMatchObject({ available: true });
    for (const r of report) {
      if (!r.available) expect(r.reason, r.provider).toBeTruthy();
    }
    if (cudaMissing) expect(report[0]!.reason).toMatch(/CUDA provider libraries are not installed/);
  });
});
