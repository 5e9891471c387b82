/**
 * onnxruntime-web wraps the native status in "ERROR_CODE: n, ERROR_MESSAGE: ..."; codes 7
 * (INVALID_PROTOBUF) and 10 (INVALID_GRAPH) always mean the model, and the message patterns
 * catch the model defects ORT reports under other codes. A broken model must not be blamed on a
 * provider, nor retried once per provider.
 */
const MODEL_ERROR_PATTERNS: readonly RegExp[] = [
  /ERROR_CODE: (7|10)\b/,
  /protobuf parsing failed/i,
  /Model data pointer is null/i,
  /INVALID_PROTOBUF/,
  /INVALID_GRAPH/,
  /Unsupported model IR version/i,
  /\[ShapeInferenceError\]|\[TypeInferenceError\]|Type Error:/,
  /This is an invalid model/i,
  /is not a registered function\/op/i,
  /Could not find an implementation for/i,
  /opset version/i,
  /Invalid model/i,
];

export function isModelError(message: string): boolean {
  return MODEL_ERROR_PATTERNS.some((re) => re.test(message));
}

/** The session asked for no CPU fallback but ORT wanted to put some nodes on its CPU provider. */
export function isCpuFallbackRefusal(message: string): boolean {
  return /fallback to CPU EP has been explicitly disabled/i.test(message);
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

/** The input or output an ORT run error is about, when its message names one. */
export function portFromRunError(message: string): string | undefined {
  const m =
    /for input:\s*(\S+)/.exec(message) ??
    /input '([^']+)'/.exec(message) ??
    /[Ii]nput name:\s*'?([^'\s]+)'?/.exec(message) ??
    /invalid (?:input|output) name:\s*(\S+?)\.?$/m.exec(message);
  return m?.[1];
}

/** Node name from "... while running <Op> node. Name:'<name>' ...". */
export function nodeFromRunError(message: string): string | undefined {
  return /running \S+ node\. Name:'([^']*)'/.exec(message)?.[1];
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}
