import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createRegistry } from '@modalflow/nodes';
import { exportPytorch } from '@modalflow/export';
import { loadGraphFile, compileFile, loadAssets, type AssetOptions } from '@modalflow/node-io';
import { createProgress } from '../progress.ts';
import type { Io } from '../io.ts';

export interface ExportPytorchOptions extends AssetOptions {
  out: string;
  className?: string;
  weights?: string;
  verbose?: boolean;
}

/** `modalflow export pytorch graph.json -o model.py`: a plain torch.nn.Module with the graph's weight names. */
export async function exportPytorchCommand(io: Io, file: string, opts: ExportPytorchOptions): Promise<void> {
  const progress = createProgress(io, io.errIsTTY || !!opts.verbose);
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  // One ONNX stage per run of nodes is what the translation reads; the granularity does not change the module.
  const compiled = await compileFile(graph, createRegistry(), { granularity: 'segments', ...(opts.weights ? { weights: opts.weights } : {}), assets }, io, progress);
  const result = exportPytorch(compiled, opts.className ? { className: opts.className } : {});
  const out = path.resolve(io.cwd, opts.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, result.source);
  io.out(`wrote ${opts.out}: class ${opts.className ?? 'Model'}(nn.Module), ${result.weights.length} weights, forward(${result.inputs.map((i) => i.arg).join(', ')}) -> ${result.outputs.join(', ')}\n`);
}
