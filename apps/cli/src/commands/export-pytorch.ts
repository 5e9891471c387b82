import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { AnyNodeDef, Tensor } from '@modalflow/core';
import { computeHostFeeds } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { exportPytorch } from '@modalflow/export';
import { writeSafetensors } from '@modalflow/onnx';
import { loadGraphFile, compileFile, loadAssets, UsageError, type AssetOptions } from '@modalflow/node-io';
import type { Plan } from '@modalflow/compiler';
import { createProgress } from '../progress.ts';
import type { Io } from '../io.ts';

export interface ExportPytorchOptions extends AssetOptions {
  out: string;
  className?: string;
  weights?: string;
  /** `input=AxBxC`: write the plan's host-computed feeds for inputs of these shapes. */
  feedsFor?: string[];
  verbose?: boolean;
}

/**
 * The plan's host-computed feeds (`plan.feeds`) for inputs of the given shapes, by tensor name
 * (forward's argument names before they become Python names). Feeds depend on shapes only, so
 * no pixel is needed.
 */
export function feedsForShapes(plan: Plan, specs: string[]): Map<string, Tensor> {
  const registry = createRegistry();
  const inputs: Record<string, Tensor> = {};
  for (const spec of specs) {
    const m = /^([^=]+)=(\d+(?:x\d+)*)$/.exec(spec.trim());
    const input = m ? plan.inputs.find((i) => i.name === m[1]) : undefined;
    if (!m || !input) {
      const names = plan.inputs.map((i) => i.name).join(', ');
      throw new UsageError(`--feeds-for "${spec}": expected <input>=<dims> such as image=1x480x640x3, with an input of the graph (${names})`);
    }
    const dims = m[2]!.split('x').map(Number);
    if (dims.length !== input.shape.length) {
      throw new UsageError(`--feeds-for "${spec}": input "${input.name}" has ${input.shape.length} axes [${input.shape.join(', ')}], not ${dims.length}`);
    }
    inputs[input.name] = { dtype: input.dtype, dims, data: new Uint8Array(0) } as Tensor;
  }
  for (const feed of plan.feeds ?? []) {
    for (const tensor of Object.values(feed.inputs)) {
      const input = plan.inputs.find((i) => i.tensor === tensor);
      if (input && !inputs[input.name]) throw new UsageError(`--feeds-for: node "${feed.node}" computes its feeds from input "${input.name}"; give its shape, e.g. ${input.name}=${input.shape.map((d) => (typeof d === 'number' ? d : 1)).join('x')}`);
    }
  }
  return computeHostFeeds(plan, inputs, (type) => {
    const def = registry.get(type) as AnyNodeDef | undefined;
    return def?.hostFeeds ? { version: def.version, compute: def.hostFeeds } : undefined;
  });
}

/** `modalflow export pytorch graph.json -o model.py`: a plain torch.nn.Module with the graph's weight names. */
export async function exportPytorchCommand(io: Io, file: string, opts: ExportPytorchOptions): Promise<void> {
  const progress = createProgress(io, io.errIsTTY || !!opts.verbose);
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  // One ONNX stage per run of nodes is what the translation reads; the granularity does not change the module.
  const compiled = await compileFile(graph, createRegistry(), { granularity: 'segments', ...(opts.weights ? { weights: opts.weights } : {}), assets }, io, progress);
  const result = exportPytorch(compiled, opts.className ? { className: opts.className } : {});
  const feeds = opts.feedsFor?.length ? feedsForShapes(compiled.plan, opts.feedsFor) : undefined;
  if (feeds && !feeds.size) throw new UsageError('--feeds-for: this graph has no host-computed feeds (forward takes no resampling matrices)');
  const out = path.resolve(io.cwd, opts.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, result.source);
  const step = result.step ? `, step(${result.step.inputs.length} inputs) -> ${result.step.outputs.join(', ')}` : '';
  io.out(`wrote ${opts.out}: class ${opts.className ?? 'Model'}(nn.Module), ${result.weights.length} weights, forward(${result.inputs.map((i) => i.arg).join(', ')}) -> ${result.outputs.join(', ')}${step}\n`);
  if (feeds) {
    const feedsFile = `${opts.out.replace(/\.py$/, '')}.feeds.safetensors`;
    await writeFile(path.resolve(io.cwd, feedsFile), writeSafetensors(feeds));
    io.out(`wrote ${feedsFile}: ${[...feeds].map(([n, t]) => `${n} [${t.dims.join(', ')}]`).join(', ')}\n`);
  }
}
