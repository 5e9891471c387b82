import type { NodeRegistry } from '@modalflow/core';
import { compileGraph, type CompiledPlan, type Granularity } from '@modalflow/compiler';
import type { GraphFile } from './graph-file.ts';
import { loadWeights } from './weights-file.ts';
import { mapLoadedWeights } from './weights-map-file.ts';
import { UsageError } from './usage-error.ts';
import type { LoadedAssets } from './assets-file.ts';

/** Where progress lines go; the command line draws them on stderr, the server logs them. */
export interface Progress {
  step(message: string): void;
  /** Runs `work`, reporting how long it took once it is done. */
  time<T>(message: string, work: () => Promise<T> | T): Promise<T>;
}

/** Relative paths the user gives are resolved against this folder. */
export interface Cwd {
  cwd: string;
  /** Where reports for the user go (the checkpoint map's report); none when absent. */
  err?(text: string): void;
}

/** Reports nothing, for callers with nobody watching. */
export const silentProgress: Progress = { step: () => {}, time: async (_m, work) => work() };

export interface CompileFileOptions {
  granularity?: Granularity;
  taps?: string[];
  weights?: string;
  /** A checkpoint map (name beside the graph, or a file) that renames the weights file's tensors. */
  weightsMap?: string;
  /** The document's assets, already read (see loadAssets). */
  assets?: LoadedAssets;
}

/** Loads the weights a graph uses (if any) and compiles it into a plan and ONNX models. */
export async function compileFile(
  graph: GraphFile,
  registry: NodeRegistry,
  options: CompileFileOptions,
  io: Cwd,
  progress: Progress,
): Promise<CompiledPlan> {
  const weights = await loadWeights(graph, options.weights, io.cwd);
  if (weights) progress.step(`weights: ${weights.tensors.size} tensors from ${weights.file}`);
  if (options.weightsMap !== undefined) {
    if (!weights) throw new UsageError('--weights-map renames the tensors of a weights file: pass it with --weights');
    weights.tensors = (await mapLoadedWeights(graph, registry, weights, options.weightsMap, io, options.assets?.lookup)).tensors;
  }
  return progress.time('compiling', () =>
    compileGraph(graph.doc, registry, {
      file: graph.file,
      library: graph.library,
      granularity: options.granularity ?? 'segments',
      taps: options.taps ?? [],
      ...(weights ? { weights: weights.tensors } : {}),
      ...(options.assets ? { asset: options.assets.lookup } : {}),
    }),
  );
}
