import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from './adapter.ts';

describe('software adapters', () => {
  it('knows the CPU-emulated adapters by name and leaves real GPUs alone', () => {
    for (const name of ['google swiftshader', 'Google SwiftShader Device (Subzero)', 'mesa llvmpipe', 'Microsoft Basic Render Driver', 'microsoft warp']) expect(isSoftwareAdapter(name), name).toBe(true);
    for (const name of ['nvidia ampere', 'apple metal-3', 'intel gen-12lp', 'amd rdna-3', undefined]) expect(isSoftwareAdapter(name), String(name)).toBe(false);
  });
});
