import type { GraphDoc, Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { createRegistry } from '../index.ts';

/**
 * Test helper: runs a whole graph whose nodes read document assets (tokenizer files,
 * preprocessor configs). Each asset is listed in the document under its name, with the file
 * name as its uri, and served from memory as a loader would serve the file.
 */
const runtime = createNodeRuntime({ providers: ['cpu'] });

export type AssetFiles = Record<string, { uri: string; bytes: Uint8Array }>;

export function withAssets(doc: GraphDoc, files: AssetFiles): GraphDoc {
  return { ...doc, assets: Object.fromEntries(Object.entries(files).map(([name, f]) => [name, { uri: f.uri }])) };
}

export async function runGraphWithAssets(doc: GraphDoc, files: AssetFiles, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const registry = createRegistry();
  const compiled = compileGraph(withAssets(doc, files), registry, {
    asset: (name) => (files[name] ? { name, uri: files[name].uri, bytes: files[name].bytes } : undefined),
  });
  const engine = createEngine(runtime, { registry });
  const program = await engine.load(compiled);
  try {
    return (await program.run(feeds, { cache: false })).outputs;
  } finally {
    await program.release();
  }
}
