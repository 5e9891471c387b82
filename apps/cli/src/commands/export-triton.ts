import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Granularity } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { exportTriton } from '@modalflow/export';
import { loadGraphFile, compileFile, loadAssets, type AssetOptions } from '@modalflow/node-io';
import { createProgress } from '../progress.ts';
import { modelName } from './serve.ts';
import type { Io } from '../io.ts';

export interface ExportTritonOptions extends AssetOptions {
  out: string;
  name?: string;
  granularity: Granularity;
  weights?: string;
  maxBatchSize?: number;
  verbose?: boolean;
}

/** `modalflow export triton graph.json -o repo/`: a Triton model repository with an ensemble named as `serve` names the graph. */
export async function exportTritonCommand(io: Io, file: string, opts: ExportTritonOptions): Promise<void> {
  const progress = createProgress(io, io.errIsTTY || !!opts.verbose);
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const compiled = await compileFile(graph, createRegistry(), { granularity: opts.granularity, ...(opts.weights ? { weights: opts.weights } : {}), assets }, io, progress);
  const name = opts.name ?? modelName(file).name;
  const { files, clientSide } = exportTriton(compiled, { name, ...(opts.maxBatchSize !== undefined ? { maxBatchSize: opts.maxBatchSize } : {}) });
  const root = path.resolve(io.cwd, opts.out);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  const models = Object.keys(files).filter((f) => f.endsWith('/config.pbtxt')).length;
  io.out(`wrote ${opts.out}: ensemble "${name}" over ${models - 1} ONNX ${models - 1 === 1 ? 'model' : 'models'} (see ${path.join(opts.out, 'README.md')})\n`);
  for (const h of clientSide.before) io.out(`  host step ${h.step} is left to the client: send ${h.sends.join(', ')} pre-computed\n`);
  for (const h of clientSide.after) io.out(`  host step ${h.step} is left to the client: it reads ${h.receives.join(', ')}\n`);
}
