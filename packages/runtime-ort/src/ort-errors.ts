/**
 * ORT reports model defects and environment problems through the same exception type; these
 * patterns, which both the native and the wasm build produce, tell them apart so a broken model
 * is not blamed on (and remembered against) a provider, and so the fallback chain stops early
 * instead of failing once per provider. Each runtime adds the wording only its build uses.
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
  /Invalid model/i,
];

export function isModelError(message: string): boolean {
  return MODEL_ERROR_PATTERNS.some((re) => re.test(message));
}

/** The session asked for no CPU fallback but ORT wanted to put some nodes on its CPU provider. */
export function isCpuFallbackRefusal(message: string): boolean {
  return /fallback to CPU EP has been explicitly disabled/i.test(message);
}

/** Pulls the input or output an ORT run error is about out of its message, when it names one. */
export function portFromRunError(
  message: string,
  inputs: readonly string[],
  outputs: readonly string[],
): { port: string; kind: 'input' | 'output' } | undefined {
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
  // Name:'add_1'"), not a graph port; nodeFromRunError still localises the problem.
  return undefined;
}

/** Node name from "... while running <Op> node. Name:'<name>' ...". */
export function nodeFromRunError(message: string): string | undefined {
  return /running \S+ node\. Name:'([^']*)'/.exec(message)?.[1];
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
