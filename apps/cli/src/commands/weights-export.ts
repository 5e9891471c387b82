import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { graphHash, numel } from '@modalflow/core';
import { allWeights, analyzeOrThrow, checkWeights } from '@modalflow/compiler';
import { writeSafetensors } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile, loadWeights, loadAssets, mapLoadedWeights, UsageError, type AssetOptions } from '@modalflow/node-io';
import { formatBytes, shortCount, withThousands } from '../format/numbers.ts';
import type { Io } from '../io.ts';
import { readInitWeights } from '../train/init-weights.ts';

export interface WeightsExportOptions extends AssetOptions {
  out: string;
  weights?: string;
  /** With --weights: a checkpoint under its own names, renamed into the graph's (a one-time conversion). */
  weightsMap?: string;
  /** Another graph's weights: those whose names match are taken, the rest seeded. */
  init?: string;
}

export async function weightsExportCommand(io: Io, file: string, opts: WeightsExportOptions): Promise<void> {
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const analysis = analyzeOrThrow(graph.doc, createRegistry(), { file, asset: assets.lookup, library: graph.library });
  if (opts.init !== undefined && (opts.weights !== undefined || opts.weightsMap !== undefined)) throw new UsageError('give either --init or --weights, not both');
  // --init: another graph's weights where the names match, seeded ones elsewhere, as one complete file.
  const carried = opts.init !== undefined ? await readInitWeights(graph.doc, createRegistry(), opts.init, io.cwd, { file, asset: assets.lookup, library: graph.library }) : undefined;
  const loaded = carried ? { tensors: carried.tensors, file: `${opts.init} (${carried.loaded.length} by name, ${carried.seeded.length} seeded)` } : await loadWeights(graph, opts.weights, io.cwd);
  if (opts.weightsMap !== undefined) {
    if (!loaded || carried) throw new UsageError('--weights-map renames the tensors of a weights file: pass it with --weights');
    loaded.tensors = (await mapLoadedWeights(graph, createRegistry(), loaded, opts.weightsMap, io, assets.lookup)).tensors;
  }
  if (loaded) checkWeights(analysis, loaded.tensors, loaded.file);
  const tensors = allWeights(analysis, loaded?.tensors);
  const bytes = writeSafetensors(tensors, { format: 'pt', 'modalflow.graph_hash': graphHash(graph.doc) });
  const out = path.resolve(io.cwd, opts.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, bytes);
  const params = [...tensors.values()].reduce((a, t) => a + numel(t.dims), 0);
  const source = loaded ? `from ${loaded.file}` : `seeded (seed ${graph.doc.seed})`;
  io.out(
    `wrote ${tensors.size} tensors, ${withThousands(params)} parameters (${shortCount(params)}), ${source}, ` +
      `to ${opts.out} (${formatBytes(bytes.length)})\n`,
  );
}
