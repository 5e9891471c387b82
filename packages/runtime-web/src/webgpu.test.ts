import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWebGpu } from './webgpu.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('why WebGPU is unavailable', () => {
  it('says navigator.gpu is missing, and why on an insecure page', async () => {
    vi.stubGlobal('navigator', {});
    expect((await checkWebGpu()).reason).toMatch(/^navigator\.gpu is missing: this browser has no WebGPU/);
    vi.stubGlobal('isSecureContext', false);
    expect((await checkWebGpu()).reason).toMatch(/secure context/);
  });

  it('says when the browser offers no adapter', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    expect((await checkWebGpu()).reason).toMatch(/^no adapter: /);
  });

  it('passes on the adapter request error', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) } });
    expect((await checkWebGpu()).reason).toBe('navigator.gpu.requestAdapter() failed: GPU process crashed');
  });

  it('names the adapter it found', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { vendor: 'google', architecture: 'swiftshader' } }) } });
    expect(await checkWebGpu('high-performance')).toEqual({ adapter: 'google swiftshader' });
  });
});
