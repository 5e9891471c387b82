import type { AssetLookup, BlockLibraryLookup, GraphDoc, NodeRegistry } from '@modalflow/core';

/**
 * Compiles the graph in the browser and zips the plan with its ONNX models. The compiler and
 * zip code load on first use, so the editor starts without them.
 */
export async function buildOnnxZip(doc: GraphDoc, registry: NodeRegistry, asset?: AssetLookup, library?: BlockLibraryLookup): Promise<{ zip: Uint8Array; files: string[] }> {
  const [{ compileGraph }, { zipSync, strToU8 }] = await Promise.all([import('@modalflow/compiler'), import('fflate')]);
  const { plan, models, assets } = compileGraph(doc, registry, { ...(asset ? { asset } : {}), ...(library ? { library } : {}) });
  const files: Record<string, Uint8Array> = { 'plan.json': strToU8(JSON.stringify(plan, null, 2) + '\n') };
  for (const [name, bytes] of Object.entries(models)) files[name] = bytes;
  // Files host steps read (a tokenizer's vocabulary) go where the document says they live.
  for (const [name, bytes] of Object.entries(assets ?? {})) files[doc.assets?.[name]?.uri ?? `assets/${name}`] = bytes;
  // ONNX weights barely compress; a low level keeps big models quick to export.
  return { zip: zipSync(files, { level: 1 }), files: Object.keys(files) };
}
