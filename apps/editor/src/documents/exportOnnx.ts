import type { GraphDoc, NodeRegistry } from '@modalflow/core';

/**
 * Compiles the graph in the browser and zips the plan with its ONNX models. The compiler and
 * zip code load on first use, so the editor starts without them.
 */
export async function buildOnnxZip(doc: GraphDoc, registry: NodeRegistry): Promise<{ zip: Uint8Array; files: string[] }> {
  const [{ compileGraph }, { zipSync, strToU8 }] = await Promise.all([import('@modalflow/compiler'), import('fflate')]);
  const { plan, models } = compileGraph(doc, registry);
  const files: Record<string, Uint8Array> = { 'plan.json': strToU8(JSON.stringify(plan, null, 2) + '\n') };
  for (const [name, bytes] of Object.entries(models)) files[name] = bytes;
  // ONNX weights barely compress; a low level keeps big models quick to export.
  return { zip: zipSync(files, { level: 1 }), files: Object.keys(files) };
}
