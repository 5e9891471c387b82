/**
 * Adapters that draw on the CPU: WebGPU through them is emulated and slower than onnxruntime's
 * own WASM kernels (SwiftShader in headless Chromium and VMs, Mesa's llvmpipe and lavapipe,
 * Windows' WARP / Basic Render Driver).
 */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render|software/i;

export function isSoftwareAdapter(name: string | undefined): boolean {
  return !!name && SOFTWARE.test(name);
}
