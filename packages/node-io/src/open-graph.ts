import type { Tensor } from '@modalflow/core';
import type { CompiledPlan, Granularity, PlanInput } from '@modalflow/compiler';
import { createEngine, type EngineEvent, type LoadOptions, type Program, type Provider, type StageProvider } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile, type GraphFile } from './graph-file.ts';
import { compileFile, silentProgress, type Cwd, type Progress } from './compile-file.ts';
import { loadAssets, type AssetOptions } from './assets-file.ts';
import { providerOrder } from './providers.ts';

export interface GraphRunOptions extends AssetOptions {
  device?: string;
  providers?: string;
  weights?: string;
  granularity?: Granularity;
  taps?: string[];
  /** Bytes of stage results kept for repeated inputs (the engine's default when absent). */
  cacheBytes?: number;
  /** Told as each stage's session opens, with the provider it got. */
  onSession?: LoadOptions['onEvent'];
}

/** A compiled graph with its sessions open, run batch after batch. */
export interface GraphRunner {
  graph: GraphFile;
  compiled: CompiledPlan;
  program: Program;
  inputs: PlanInput[];
  outputs: string[];
  /** The provider each ONNX stage runs on. */
  providers: Record<string, StageProvider>;
  run(inputs: Record<string, Tensor>, options?: { signal?: AbortSignal; onEvent?: (e: EngineEvent) => void }): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/**
 * The one way a graph file becomes something that runs: read it with its assets and weights,
 * compile it once, load onnxruntime and open every stage's session once.
 */
export async function openGraph(io: Cwd, file: string, opts: GraphRunOptions, progress: Progress = silentProgress): Promise<GraphRunner> {
  const providers = providerOrder(opts.device, opts.providers);
  const registry = createRegistry();
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const compiled = await compileFile(
    graph,
    registry,
    { granularity: opts.granularity ?? 'segments', taps: opts.taps ?? [], ...(opts.weights ? { weights: opts.weights } : {}), assets },
    io,
    progress,
  );
  return loadCompiled(graph, compiled, { providers, cacheBytes: opts.cacheBytes, ...(opts.onSession ? { onSession: opts.onSession } : {}) }, progress);
}

/** Opens the sessions of an already compiled graph (the command line checks inputs in between). */
export async function loadCompiled(
  graph: GraphFile,
  compiled: CompiledPlan,
  opts: { providers?: Provider[] | undefined; cacheBytes?: number | undefined; onSession?: LoadOptions['onEvent'] },
  progress: Progress = silentProgress,
): Promise<GraphRunner> {
  const { providers } = opts;
  const registry = createRegistry();
  const { createNodeRuntime } = await progress.time('loading onnxruntime', () => import('@modalflow/runtime-node'));
  const runtime = createNodeRuntime(providers ? { providers } : {});
  const engine = createEngine(runtime, { registry, ...(opts.cacheBytes !== undefined ? { cacheBytes: opts.cacheBytes } : {}) });
  const program = await progress.time('creating sessions', () =>
    engine.load(compiled, {
      ...(providers ? { providers } : {}),
      ...(opts.onSession ? { onEvent: opts.onSession } : {}),
    }),
  );
  return {
    graph,
    compiled,
    program,
    inputs: compiled.plan.inputs,
    outputs: compiled.plan.outputs.map((o) => o.name),
    providers: program.providers,
    run: async (inputs, options = {}) => (await program.run(inputs, options)).outputs,
    release: () => program.release(),
  };
}
