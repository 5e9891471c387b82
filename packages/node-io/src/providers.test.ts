import { expect, it } from 'vitest';
import { providerOrder } from './providers.ts';
import { UsageError } from './usage-error.ts';

it('turns a device into a fallback order', () => {
  expect(providerOrder('cuda', undefined)).toEqual(['cuda', 'webgpu', 'cpu']);
  expect(providerOrder('webgpu', undefined)).toEqual(['webgpu', 'cpu']);
  expect(providerOrder('cpu', undefined)).toEqual(['cpu']);
  expect(providerOrder(undefined, undefined)).toBeUndefined();
});

it('takes --providers exactly', () => {
  expect(providerOrder(undefined, 'webgpu, cpu')).toEqual(['webgpu', 'cpu']);
  expect(providerOrder(undefined, 'cuda')).toEqual(['cuda']);
});

it('refuses bad combinations as usage errors', () => {
  expect(() => providerOrder('cpu', 'cpu')).toThrow(UsageError);
  expect(() => providerOrder(undefined, 'tpu')).toThrow(/unknown provider "tpu"/);
  expect(() => providerOrder(undefined, 'cpu,cpu')).toThrow(/twice/);
  expect(() => providerOrder(undefined, ',')).toThrow(/at least one/);
  expect(() => providerOrder('gpu', undefined)).toThrow(/not one of cpu, webgpu, cuda/);
});
