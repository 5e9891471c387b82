import type { Tensor } from '@modalflow/core';
import type { Granularity, PlanInput } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile } from '../graph-file.ts';
import { compileFile } from '../compile-file.ts';
import { loadAssets, type AssetOptions } from '../assets-file.ts';
import { providerOrder } from '../providers.ts';
import { formatProviderReport } from '../format/providers.ts';
import type { Progress } from '../progress.ts';
import type { Io } from '../io.ts';

export interface GraphRunOptions extends AssetOptions {
  device?: string;
  providers?: string;
  weights?: string;
  granularity?: Granularity;
}

/** A compiled graph with its sessions open, run batch after batch. */
export interface GraphRunner {
  inputs: PlanInput[];
  outputs: string[];
  run(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/** Compiles a graph file and opens its sessions once, for many runs over a data set. */
export async function openGraph(io: Io, file: string, opts: GraphRunOptions, progress: Progress, note: (line: string) => void): Promise<GraphRunner> {
  const providers = providerOrder(opts.device, opts.providers);
  const registry = createRegistry();
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const compiled = await compileFile(
    graph,
    registry,
    { granularity: opts.granularity ?? 'segments', taps: [], ...(opts.weights ? { weights: opts.weights } : {}), assets },
    io,
    progress,
  );
  const { createNodeRuntime } = await progress.time('loading onnxruntime', () => import('@modalflow/runtime-node'));
  const runtime = createNodeRuntime(providers ? { providers } : {});
  const engine = createEngine(runtime, { registry });
  const loaded = await progress.time('creating sessions', () => engine.load(compiled, providers ? { providers } : {}));
  for (const line of formatProviderReport(loaded.providers)) note(line);
  return {
    inputs: compiled.plan.inputs,
    outputs: compiled.plan.outputs.map((o) => o.name),
    run: async (inputs) => (await loaded.run(inputs)).outputs,
    release: () => loaded.release(),
  };
}
