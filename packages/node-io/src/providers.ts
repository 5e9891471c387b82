import type { Provider } from '@modalflow/engine';
import { UsageError } from './usage-error.ts';

export const DEVICES = ['cpu', 'webgpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

const KNOWN: readonly Provider[] = ['cuda', 'webgpu', 'wasm', 'cpu'];

/** A device is a preference, not a demand: each falls back to the slower ones after it. */
const FALLBACK: Record<Device, Provider[]> = {
  cuda: ['cuda', 'webgpu', 'cpu'],
  webgpu: ['webgpu', 'cpu'],
  cpu: ['cpu'],
};

/** Provider order from `--device` or `--providers`; undefined leaves the runtime's default. */
export function providerOrder(device: string | undefined, providers: string | undefined): Provider[] | undefined {
  if (device !== undefined && providers !== undefined) {
    throw new UsageError('give either --device (a preference with fallback) or --providers (an exact order), not both');
  }
  if (device !== undefined) {
    if (!(DEVICES as readonly string[]).includes(device)) {
      throw new UsageError(`--device "${device}" is not one of ${DEVICES.join(', ')}`);
    }
    return FALLBACK[device as Device];
  }
  if (providers === undefined) return undefined;
  const list = providers.split(',').map((p) => p.trim()).filter(Boolean);
  if (list.length === 0) throw new UsageError('--providers needs at least one provider');
  for (const p of list) {
    if (!(KNOWN as readonly string[]).includes(p)) throw new UsageError(`--providers: unknown provider "${p}" (known: ${KNOWN.join(', ')})`);
  }
  if (new Set(list).size !== list.length) throw new UsageError(`--providers lists a provider twice: ${providers}`);
  return list as Provider[];
}
