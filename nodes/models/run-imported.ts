import { analyzeGraph, type Analysis, type AssetLookup, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph, type CompiledPlan } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { registryWith } from '../testing/run-node.ts';
import onnxModel from './onnx-model.ts';

/** Test helpers: runNode compiles without assets, and an imported model is nothing but its asset. */
export const registry = registryWith(onnxModel);
const runtime = createNodeRuntime({ providers: ['cpu'] });

export function lookupOf(files: Record<string, Uint8Array>): AssetLookup {
  return (name) => (Object.hasOwn(files, name) ? { name, uri: `${name}.onnx`, bytes: files[name]! } : undefined);
}

export interface ImportOptions {
  /** Dtype and shape (as input.tensor writes it, e.g. "B, 4") of each model input port to feed. */
  feeds: Record<string, { dtype: string; shape: string }>;
  /** Output ports to read. */
  outputs: string[];
  params?: Record<string, unknown>;
}

/** in_<port> -> m (model.onnx on asset "net") -> out_<port>. */
export function importGraph(options: ImportOptions): GraphDoc {
  const nodes: GraphDoc['nodes'] = [];
  const edges: GraphDoc['edges'] = [];
  for (const [port, { dtype, shape }] of Object.entries(options.feeds)) {
    nodes.push({ id: `in_${port}`, type: 'input.tensor', typeVersion: 1, params: { dtype, shape } });
    edges.push({ from: [`in_${port}`, 'value'], to: ['m', port] });
  }
  nodes.push({ id: 'm', type: 'model.onnx', typeVersion: 1, params: { model: 'net', ...options.params } });
  for (const port of options.outputs) {
    nodes.push({ id: `out_${port}`, type: 'output.tensor', typeVersion: 1, params: {} });
    edges.push({ from: ['m', port], to: [`out_${port}`, 'value'] });
  }
  return { format: 'modalflow.graph', version: 1, meta: { title: 'import' }, seed: 1, nodes, edges, assets: { net: { uri: 'net.onnx' } } };
}

export function analyze(doc: GraphDoc, files: Record<string, Uint8Array>): Analysis {
  return analyzeGraph(doc, registry, { asset: lookupOf(files) });
}

/** Compiles with the assets and runs once on onnxruntime's CPU provider. */
export async function runGraph(
  doc: GraphDoc,
  files: Record<string, Uint8Array>,
  feeds: Record<string, Tensor>,
): Promise<{ outputs: Record<string, Tensor>; compiled: CompiledPlan }> {
  const compiled = compileGraph(doc, registry, { asset: lookupOf(files) });
  const program = await createEngine(runtime, { registry }).load(compiled);
  try {
    const { outputs } = await program.run(feeds, { cache: false });
    return { outputs, compiled };
  } finally {
    await program.release();
  }
}
