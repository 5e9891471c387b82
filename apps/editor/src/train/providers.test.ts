import { describe, expect, it } from 'vitest';
import { trainProviders } from './providers.ts';

const adapter = (name: string) => async () => ({ adapter: name });

describe('trainProviders', () => {
  it('leaves a software adapter out of the automatic choice and says why', async () => {
    const r = await trainProviders('auto', adapter('google swiftshader'));
    expect(r.providers).toEqual(['wasm']);
    expect(r.note).toContain('google swiftshader');
  });

  it('keeps WebGPU first for a hardware adapter, or when WebGPU is chosen by name', async () => {
    expect(await trainProviders('auto', adapter('nvidia ampere'))).toEqual({ providers: ['webgpu', 'wasm'] });
    expect(await trainProviders('webgpu', adapter('google swiftshader'))).toEqual({ providers: ['webgpu'] });
  });

  it('leaves the order alone when there is no adapter at all (the runtime falls back and reports it)', async () => {
    expect(await trainProviders('auto', async () => ({ reason: 'navigator.gpu is missing' }))).toEqual({ providers: ['webgpu', 'wasm'] });
  });
});
