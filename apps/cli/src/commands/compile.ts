import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Granularity, Plan } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile } from '../graph-file.ts';
import { compileFile } from '../compile-file.ts';
import { createProgress } from '../progress.ts';
import { formatTable } from '../format/table.ts';
import { formatBytes, shortCount, shortFlops } from '../format/numbers.ts';
import type { Io } from '../io.ts';

export interface CompileOptions {
  out: string;
  granularity: Granularity;
  tap?: string[];
  weights?: string;
  verbose?: boolean;
}

export function stageSummary(plan: Plan, models: Record<string, Uint8Array>): string {
  const rows = [['stage', 'kind', 'nodes', 'params', 'FLOPs', 'file']];
  for (const s of plan.stages) {
    const file = s.kind === 'onnx' ? `${s.model} (${formatBytes(models[s.model]?.length ?? 0)})` : `host step ${s.step}`;
    const params = s.kind === 'onnx' ? shortCount(s.params) : '-';
    rows.push([s.id, s.kind, s.nodes.join(', '), params, shortFlops(s.flops), file]);
  }
  return formatTable(rows, ['left', 'left', 'left', 'right', 'right', 'left']);
}

export async function compileCommand(io: Io, file: string, opts: CompileOptions): Promise<void> {
  const progress = createProgress(io, io.errIsTTY || !!opts.verbose);
  const graph = await loadGraphFile(file, io.cwd);
  const { plan, models } = await compileFile(
    graph,
    createRegistry(),
    { granularity: opts.granularity, taps: opts.tap ?? [], ...(opts.weights ? { weights: opts.weights } : {}) },
    io,
    progress,
  );
  const dir = path.resolve(io.cwd, opts.out);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
  for (const [name, bytes] of Object.entries(models)) await writeFile(path.join(dir, name), bytes);
  const title = plan.title ? `"${plan.title}"` : file;
  io.out(`compiled ${title}: ${plan.stages.length} ${plan.stages.length === 1 ? 'stage' : 'stages'} (granularity ${plan.granularity}, opset ${plan.opset})\n`);
  io.out(stageSummary(plan, models) + '\n');
  io.out(`wrote ${path.join(opts.out, 'plan.json')} and ${Object.keys(models).length} ONNX ${Object.keys(models).length === 1 ? 'model' : 'models'}\n`);
}
