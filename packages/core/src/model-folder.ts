/**
 * The Hugging Face Optimum / transformers.js model-folder layout, shared by the command line's
 * --model-dir and the editor's "Choose model folder…": `onnx/<name>[_<variant>].onnx` plus the
 * tokenizer and preprocessor files at the top.
 */

/** Files at the top of such a folder that a graph may name. */
export const MODEL_FOLDER_TOP_FILES = ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'];
/** Suffixes transformers.js gives the other precisions of `onnx/<name>.onnx`. */
export const MODEL_FOLDER_VARIANTS = ['quantized', 'fp16', 'fp32', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

/**
 * The file in a model folder that stands for an asset URI, or undefined when the URI is not one
 * of the layout's: `.../onnx/<name>[_<variant>].onnx` becomes `onnx/<name>_<variant>.onnx` (the
 * variant asked for, else the one the URI names); the top files keep their name.
 */
export function modelFolderFile(uri: string, variant?: string): string | undefined {
  const parts = uri.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const file = parts.at(-1);
  if (!file) return undefined;
  if (MODEL_FOLDER_TOP_FILES.includes(file)) return file;
  const m = /^(.+)\.onnx$/.exec(file);
  if (!m || parts.at(-2) !== 'onnx') return undefined;
  let stem = m[1]!;
  let own: string | undefined;
  for (const v of MODEL_FOLDER_VARIANTS) {
    if (stem.endsWith(`_${v}`) && stem.length > v.length + 1) {
      stem = stem.slice(0, -(v.length + 1));
      own = v;
      break;
    }
  }
  const chosen = variant ?? own;
  return `onnx/${stem}${chosen ? `_${chosen}` : ''}.onnx`;
}
