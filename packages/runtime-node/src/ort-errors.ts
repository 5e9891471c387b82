import { isModelError as isOrtModelError } from '@modalflow/runtime-ort';

export { portFromRunError } from '@modalflow/runtime-ort';

/** Model defects, also in the wording of the native build, which names the file it loads from. */
export function isModelError(message: string): boolean {
  return isOrtModelError(message) || /Load model from .* failed/i.test(message);
}

/**
 * Failures that depend on the machine rather than on the model: a runtime remembers them so
 * later sessions skip the provider without paying for the attempt again.
 */
export function isEnvironmentalError(message: string): boolean {
  return /Failed to load shared library|cannot open shared object|CUDA failure|CUDA driver|cudaError|cuDNN|Failed to get a WebGPU adapter|WebGPU device|no available backend|backend not found/i.test(
    message,
  );
}
