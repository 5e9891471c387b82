import { expect, it } from 'vitest';
import { formatProviderReport } from './providers.ts';

it('groups stages by provider and states each skip reason once', () => {
  const skipped = [
    { provider: 'cuda' as const, reason: 'CUDA provider libraries are not installed' },
    { provider: 'webgpu' as const, reason: 'no WebGPU adapter' },
  ];
  const lines = formatProviderReport({
    's0-a': { provider: 'cpu', skipped },
    's1-b': { provider: 'cpu', skipped },
  });
  expect(lines).toEqual([
    'running on cpu (all 2 ONNX stages)',
    '  cuda skipped: CUDA provider libraries are not installed',
    '  webgpu skipped: no WebGPU adapter',
  ]);
});

it('lists stages per provider when they differ', () => {
  const lines = formatProviderReport({
    's0-a': { provider: 'webgpu', skipped: [] },
    's1-b': { provider: 'cpu', skipped: [{ provider: 'webgpu', reason: 'some nodes have no webgpu kernel' }] },
  });
  expect(lines).toEqual(['running on webgpu: s0-a', 'running on cpu: s1-b', '  webgpu skipped: some nodes have no webgpu kernel']);
});

it('says nothing for a plan without ONNX stages', () => {
  expect(formatProviderReport({})).toEqual([]);
});
