/**
 * ORT reports model defects and environment problems through the same exception type; these
 * patterns tell them apart so a broken model is not blamed on (and remembered against) a
 * provider, and so the fallback chain stops early instead of failing once per provider.
 */
const MODEL_ERROR_PATTERNS: readonly RegExp[] = [
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
  /Load model from .* failed/i,
  /Invalid model/i,
];

export function isModelError(message: string): boolean {
  return MODEL_ERROR_PATTERNS.some((re) => re.test(message));
}

/** The session asked for no CPU fallback but ORT wanted to put some nodes there. */
export function isCpuFallbackRefusal(message: string): boolean {
  return /fallback to CPU EP has been explicitly disabled/i.test(message);
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

/** Pulls the input or output an ORT run error is about out of its message, when it names one. */
export function portFromRunError(message: string, inputs: readonly string[], outputs: readonly string[]): { port: string; kind: 'input' | 'output' } | undefined {
  const m =
    /for input:\s*(\S+)/.exec(message) ??
    /input '([^']+)'/.exec(message) ??
    /[Ii]nput name:\s*'?([^'\s]+)'?/.exec(message) ??
    /invalid (?:input|output) name:\s*(\S+?)\.?$/m.exec(message);
  const name = m?.[1];
  if (name !== undefined) {
    if (inputs.includes(name)) return { port: name, kind: 'input' };
    if (outputs.includes(name)) return { port: name, kind: 'output' };
    return { port: name, kind: /output/i.test(m![0]) ? 'output' : 'input' };
  }
  // Kernel failures name the node ("Non-zero status code returned while running Add node.
  // Name:'add_1'"), not a graph port; the node name still localises the problem.
  return undefined;
}

/** Node name from "... while running <Op> node. Name:'<name>' ...". */
export function nodeFromRunError(message: string): string | undefined {
  return /running \S+ node\. Name:'([^']*)'/.exec(message)?.[1];
}
