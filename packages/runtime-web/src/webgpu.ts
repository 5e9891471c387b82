import { messageOf } from '@modalflow/runtime-ort';

// The few WebGPU members used here; TypeScript's DOM library has no WebGPU types.
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
}
interface AdapterLike {
  info?: AdapterInfoLike;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<AdapterLike | null>;
}

export interface WebGpuCheck {
  /** Why WebGPU cannot be used, in words a user can act on; undefined when it can. */
  reason?: string;
  /** "vendor architecture" of the adapter found. */
  adapter?: string;
}

/**
 * Asks the browser for an adapter before ORT does: ORT's own failure ("no available backend
 * found") does not say whether WebGPU is missing, blocked or driverless.
 */
export async function checkWebGpu(powerPreference?: 'low-power' | 'high-performance'): Promise<WebGpuCheck> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: GpuLike }) | undefined)?.gpu;
  if (!gpu) {
    if (globalThis.isSecureContext === false) {
      return { reason: 'navigator.gpu is missing: WebGPU needs a secure context (https:// or http://localhost)' };
    }
    return {
      reason:
        'navigator.gpu is missing: this browser has no WebGPU (Chrome/Edge 113+ have it; on Linux Chromium ' +
        'enables it with --enable-unsafe-webgpu)',
    };
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
  } catch (e) {
    return { reason: `navigator.gpu.requestAdapter() failed: ${messageOf(e)}` };
  }
  if (!adapter) {
    return {
      reason:
        'no adapter: navigator.gpu.requestAdapter() returned null (the GPU or its driver is blocklisted, or ' +
        'there is no Vulkan/Metal/D3D12 driver; see chrome://gpu)',
    };
  }
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' ');
  return { adapter: name || 'unnamed adapter' };
}
