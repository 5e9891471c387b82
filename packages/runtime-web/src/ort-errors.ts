import { isModelError as isOrtModelError } from '@modalflow/runtime-ort';

/**
 * onnxruntime-web wraps the native status in "ERROR_CODE: n, ERROR_MESSAGE: ..."; codes 7
 * (INVALID_PROTOBUF) and 10 (INVALID_GRAPH) always mean the model, whatever the message says.
 */
export function isModelError(message: string): boolean {
  return /ERROR_CODE: (7|10)\b/.test(message) || isOrtModelError(message);
}

/** Failures of the browser rather than of the model; later sessions skip the provider at once. */
export function isEnvironmentalError(message: string): boolean {
  return /no available backend|backend not found|WebGPU is not supported|requestAdapter|GPUDevice|device (was )?lost|failed to (initialize|load) (the )?(wasm|WebAssembly)|Aborted\(/i.test(
    message,
  );
}

/** Strips ORT-web's "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: " wrapper. */
export function ortMessage(message: string): string {
  return message.replace(/^.*?ERROR_MESSAGE:\s*/s, '').trim();
}

export function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}
