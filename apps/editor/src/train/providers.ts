import { checkWebGpu, type WebGpuCheck } from '@modalflow/runtime-web/webgpu';
import type { Provider } from '@modalflow/engine';
import { isSoftwareAdapter } from '../run/adapter.ts';
import { PROVIDER_ORDER, type ProviderPreference } from '../store/runSlice.ts';

export interface TrainProviders {
  providers: Provider[];
  /** Why the automatic choice left WebGPU out, for the status line. */
  note?: string;
}

/**
 * The providers a training run tries. "WebGPU, else WASM" leaves out an adapter that draws on
 * the CPU: there a step of the CLIP lesson took 7.9 s against 0.2 s on WASM (lessons_browser
 * bench), so training would look stalled. Choosing WebGPU by name still uses it.
 */
export async function trainProviders(preference: ProviderPreference, check: () => Promise<WebGpuCheck> = checkWebGpu): Promise<TrainProviders> {
  const order = PROVIDER_ORDER[preference];
  if (preference !== 'auto') return { providers: order };
  const gpu = await check();
  if (gpu.adapter && isSoftwareAdapter(gpu.adapter)) {
    return { providers: order.filter((p) => p !== 'webgpu'), note: `WebGPU's adapter (${gpu.adapter}) runs on the CPU, so training uses WASM` };
  }
  return { providers: order };
}
