import { MODEL_FOLDER_VARIANTS as VARIANTS, modelFolderFile, type GraphDoc } from '@modalflow/core';

/**
 * A Hugging Face Optimum / transformers.js model folder, bound to a graph's assets by place in
 * the layout, as the command line's --model-dir: `onnx/<name>[_<variant>].onnx` and the
 * tokenizer and preprocessor files at the top.
 */
export { MODEL_FOLDER_TOP_FILES as TOP_FILES, MODEL_FOLDER_VARIANTS as VARIANTS } from '@modalflow/core';

/** The file in the folder standing for an asset URI, or undefined when the URI is not part of the layout. */
export const folderFile = modelFolderFile;

/** Paths relative to the chosen folder: a directory input prefixes each with the folder's own name. */
export function folderPaths(paths: readonly string[]): string[] {
  const norm = paths.map((p) => p.replace(/\\/g, '/').replace(/^\/+/, ''));
  const first = norm[0]?.split('/')[0];
  if (first && norm.every((p) => p.startsWith(`${first}/`))) return norm.map((p) => p.slice(first.length + 1));
  return norm;
}

/** Precisions every ONNX asset of the graph has in the folder, besides the default. */
export function folderVariants(doc: GraphDoc, paths: readonly string[]): string[] {
  const have = new Set(paths);
  const models = Object.values(doc.assets ?? {}).filter((a) => folderFile(a.uri)?.startsWith('onnx/'));
  if (!models.length) return [];
  return VARIANTS.filter((v) => models.every((a) => have.has(folderFile(a.uri, v)!)));
}

export interface FolderBinding {
  bound: { asset: string; path: string }[];
  /** Assets of the layout the folder lacks. */
  missing: { asset: string; path: string }[];
}

export function bindFolder(doc: GraphDoc, paths: readonly string[], variant?: string): FolderBinding {
  const have = new Set(paths);
  const bound: FolderBinding['bound'] = [];
  const missing: FolderBinding['missing'] = [];
  for (const [asset, ref] of Object.entries(doc.assets ?? {})) {
    const path = folderFile(ref.uri, ref.uri.endsWith('.onnx') ? variant : undefined);
    if (!path) continue;
    (have.has(path) ? bound : missing).push({ asset, path });
  }
  return { bound, missing };
}
