import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { graphHash, numel } from '@modalflow/core';
import { allWeights, analyzeOrThrow, checkWeights } from '@modalflow/compiler';
import { writeSafetensors } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile } from '../graph-file.ts';
import { loadWeights } from '../weights-file.ts';
import { loadAssets, type AssetOptions } from '../assets-file.ts';
import { formatBytes, shortCount, withThousands } from '../format/numbers.ts';
import type { Io } from '../io.ts';
import { readInitWeights } from '../train/init-weights.ts';

export interface WeightsExportOptions extends AssetOptions {
  out: string;
  init?: string;
}

export async function weightsExportCommand(io: Io, file: string, opts: WeightsExportOptions): Promise<void> {
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const analysis = analyzeOrThrow(graph.doc, createRegistry(), { file, asset: assets.lookup, library: graph.library });
  // --init: another graph's weights where the names match, seeded ones elsewhere, as one complete file.
  const carried = opts.init !== undefined ? await readInitWeights(graph.doc, createRegistry(), opts.init, io.cwd, { file, asset: assets.lookup, library: graph.library }) : undefined;
  const loaded = carried ? { tensors: carried.tensors, file: `${opts.init} (${carried.loaded.length} by name, ${carried.seeded.length} seeded)` } : await loadWeights(graph, undefined, io.cwd);
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
