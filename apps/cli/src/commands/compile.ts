import * as path from 'node:path';
import type { Granularity, Plan } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile, compileFile, loadAssets, type AssetOptions } from '@modalflow/node-io';
import { writePlan } from '../write-plan.ts';
import { createProgress } from '../progress.ts';
import { formatTable } from '../format/table.ts';
import { formatBytes, shortCount, shortFlops } from '../format/numbers.ts';
import type { Io } from '../io.ts';

export interface CompileOptions extends AssetOptions {
  out: string;
  granularity: Granularity;
  tap?: string[];
  weights?: string;
  weightsMap?: string;
  verbose?: boolean;
}

export function stageSummary(plan: Plan, models: Record<string, Uint8Array>): string {
  const rows = [['stage', 'kind', 'nodes', 'params', 'FLOPs', 'file']];
  for (const s of plan.stages) {
    const size = formatBytes(models[s.kind !== 'host' ? s.model : '']?.length ?? 0);
    let file = s.kind === 'host' ? `host step ${s.step}` : s.external ? `${s.model} (${size}, asset "${s.external.asset}")` : `${s.model} (${size})`;
    // A decoding loop's cross-attention keys/values model travels beside its step model.
    if (s.kind === 'generate' && s.cross) file += ` + ${s.cross.model} (${formatBytes(models[s.cross.model]?.length ?? 0)})`;
    const params = s.kind !== 'host' ? shortCount(s.params) : '-';
    rows.push([s.id, s.kind, s.nodes.join(', '), params, shortFlops(s.flops), file]);
  }
  return formatTable(rows, ['left', 'left', 'left', 'right', 'right', 'left']);
}

export async function compileCommand(io: Io, file: string, opts: CompileOptions): Promise<void> {
  const progress = createProgress(io, io.errIsTTY || !!opts.verbose);
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const compiled = await compileFile(
    graph,
    createRegistry(),
    { granularity: opts.granularity, taps: opts.tap ?? [], ...(opts.weights ? { weights: opts.weights } : {}), ...(opts.weightsMap !== undefined ? { weightsMap: opts.weightsMap } : {}), assets },
    io,
    progress,
  );
  const { plan, models } = compiled;
  const uris = Object.fromEntries([...assets.byName].map(([name, a]) => [name, a.uri]));
  const written = await writePlan(path.resolve(io.cwd, opts.out), compiled, uris);
  const title = plan.title ? `"${plan.title}"` : file;
  io.out(`compiled ${title}: ${plan.stages.length} ${plan.stages.length === 1 ? 'stage' : 'stages'} (granularity ${plan.granularity}, opset ${plan.opset})\n`);
  io.out(stageSummary(plan, models) + '\n');
  const n = written.models.length;
  const files = Object.values(written.assets);
  const extra = files.length ? ` and ${files.length === 1 ? 'asset' : 'assets'} ${files.join(', ')}` : '';
  io.out(`wrote ${path.join(opts.out, 'plan.json')}, ${n} ONNX ${n === 1 ? 'model' : 'models'}${extra}\n`);
}
