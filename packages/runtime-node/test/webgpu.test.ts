import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../src/index.ts';
import { probeInChild } from '../src/probe.ts';
import { explainWebgpuProbe, webgpuPrecheck } from '../src/providers.ts';
import { int64AddModel, matmulModel } from './fixtures/models.ts';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VULKAN_ENV = { LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: SWIFTSHADER };
const webgpuEnv = !!process.env.VK_ICD_FILENAMES && !!process.env.LD_LIBRARY_PATH;
const webgpuBuilt = webgpuPrecheck() === undefined;
const canSwiftShader = webgpuBuilt && process.platform === 'linux' && existsSync(SWIFTSHADER);

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('./fixtures/webgpu-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('webgpu in this process', () => {
  it.runIf(webgpuEnv && webgpuBuilt)('creates a real WebGPU session and computes', async () => {
    const rt = createNodeRuntime({ providers: ['webgpu'] });
    const s = await rt.createSession(matmulModel(), { label: 'gpu-mm' });
    expect(s.provider).toBe('webgpu');
    expect(s.cpuFallback).toBe(false);
    const out = await s.run({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([4, 6]);
  });

  it.runIf(webgpuEnv && webgpuBuilt)('flags nodes that ORT moved to CPU, or refuses them when asked', async () => {
    const loose = await createNodeRuntime({ providers: ['webgpu'] }).createSession(int64AddModel());
    expect(loose.provider).toBe('webgpu');
    expect(loose.cpuFallback).toBe(true);
    const strict = await createNodeRuntime({ providers: ['webgpu', 'cpu'], cpuFallback: 'forbid' }).createSession(int64AddModel());
    expect(strict.provider).toBe('cpu');
    expect(strict.attempts[0]!.reason).toMatch(/no webgpu kernel.*cpuFallback is 'forbid'/);
  });
});

describe('webgpu in a child process', () => {
  it.runIf(canSwiftShader)('runs on webgpu with the SwiftShader Vulkan driver and reports it', async () => {
    const r = await runChild({ ...process.env, ...VULKAN_ENV });
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.mm.provider).toBe('webgpu');
    expect(got.mm.cpuFallback).toBe(false);
    expect(got.mm.y).toEqual([4, 6]);
    expect(got.mm.attempts).toMatchObject([{ provider: 'webgpu', ok: true }]);
    expect(got.mm.second).toBe('webgpu');
    // int64 Add has no WebGPU kernel: ORT runs it on CPU inside a "webgpu" session.
    expect(got.i64).toMatchObject({ provider: 'webgpu', cpuFallback: true, y: ['4', '6'] });
    expect(got.i64.attempts[0].note).toMatch(/no webgpu kernel/);
    expect(got.i64Strict.provider).toBe('cpu');
  });

  it.runIf(webgpuBuilt && process.platform === 'linux')('without Vulkan settings, skips webgpu with the cause and does not crash', async () => {
    const env = { ...process.env };
    delete env.VK_ICD_FILENAMES;
    delete env.VK_DRIVER_FILES;
    delete env.LD_LIBRARY_PATH;
    const r = await runChild(env);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.mm.provider).toBe('cpu');
    expect(got.mm.attempts[0].provider).toBe('webgpu');
    expect(got.mm.attempts[0].reason).toMatch(/^no WebGPU adapter: /);
    expect(got.mm.attempts[0].reason).toMatch(/VK_ICD_FILENAMES/);
  });
});

describe('probe', () => {
  it('runs a model in a child process', async () => {
    const p = await probeInChild('cpu', 30_000);
    expect(p.kind).toBe('ok');
    expect(p.createMs).toBeGreaterThan(0);
  });

  it('gives up on a probe that does not answer in time', async () => {
    const p = await probeInChild('cpu', 1);
    expect(p.kind).toBe('timeout');
  });

  it('turns Dawn and Vulkan loader warnings into actionable reasons', () => {
    const adapter = 'webgpu_context.cc:136 ... Failed to get a WebGPU adapter: No supported adapters';
    const base = { kind: 'error' as const, error: adapter, ms: 1 };
    if (process.platform === 'linux') {
      expect(
        explainWebgpuProbe({ ...base, stderr: "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory" }),
      ).toMatch(/the Vulkan loader libvulkan\.so\.1 cannot be loaded/);
      expect(explainWebgpuProbe({ ...base, stderr: 'Warning: vkCreateInstance: Found no drivers!\nWarning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER' })).toMatch(
        /no Vulkan driver found .*VK_ICD_FILENAMES/,
      );
      expect(explainWebgpuProbe({ ...base, stderr: 'Warning: loader_get_json: Failed to open JSON file /nope.json\nWarning: vkCreateInstance: Found no drivers!' })).toMatch(
        /driver manifest \/nope\.json .* cannot be opened/,
      );
    }
    expect(explainWebgpuProbe({ kind: 'timeout', error: 'no answer within 30 s', stderr: '', ms: 30000 })).toMatch(/hung/);
    expect(explainWebgpuProbe({ kind: 'crash', error: 'the probe process was killed by SIGSEGV', stderr: '', ms: 5 })).toMatch(/crashed the probe process .*SIGSEGV/);
  });
});
