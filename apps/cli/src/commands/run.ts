import * as path from 'node:path';
import type { Tensor } from '@modalflow/core';
import type { Granularity } from '@modalflow/compiler';
import { checkInputs, type EngineEvent } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { loadCompiled, writeTensors, loadGraphFile, compileFile, loadAssets, type AssetOptions, parseInputValue, splitInputArg, providerOrder, UsageError } from '@modalflow/node-io';
import { parseAudioInput, parseVideoInput } from '@modalflow/node-io';
import { createProgress, type Progress } from '../progress.ts';
import { formatTensorBlock, tensorToJson } from '../format/tensor.ts';
import { formatProviderReport } from '../format/providers.ts';
import { formatMs } from '../format/numbers.ts';
import { tokenStream } from '../format/token-stream.ts';
import type { Io } from '../io.ts';

export interface RunOptions extends AssetOptions {
  input?: string[];
  device?: string;
  providers?: string;
  weights?: string;
  weightsMap?: string;
  json?: boolean;
  out?: string;
  tap?: string[];
  granularity: Granularity;
  verbose?: boolean;
  quiet?: boolean;
  maxImagePixels?: number;
  /** A dataset to run row by row (see ../batch/run-dataset.ts). */
  data?: string;
  batchSize?: string;
}

function stageEvents(progress: Progress): (e: EngineEvent) => void {
  return (e) => {
    if (e.type === 'stage-start') progress.step(`stage ${e.index + 1}/${e.total} ${e.stage} (${e.nodes.join(', ')})…`);
    else if (e.type === 'stage-end') progress.step(`stage ${e.index + 1}/${e.total} ${e.stage}: ${formatMs(e.ms)} on ${e.provider}`);
    else if (e.type === 'stage-cached') progress.step(`stage ${e.index + 1}/${e.total} ${e.stage}: cached`);
  };
}

export async function runCommand(io: Io, file: string, opts: RunOptions): Promise<void> {
  if (opts.data !== undefined) {
    const { runDataset } = await import('../batch/run-dataset.ts');
    if (opts.input?.length) throw new UsageError('give either --input values or --data, not both');
    return runDataset(io, file, { ...opts, data: opts.data });
  }
  const providers = providerOrder(opts.device, opts.providers);
  const args = (opts.input ?? []).map(splitInputArg);
  const seen = new Set<string>();
  for (const { name } of args) {
    if (seen.has(name)) throw new UsageError(`--input "${name}" is given more than once`);
    seen.add(name);
  }
  const progress = createProgress(io, !opts.quiet && (io.errIsTTY || !!opts.verbose));
  const note = (line: string) => {
    if (!opts.quiet) io.err(line + '\n');
  };

  const registry = createRegistry();
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const taps = opts.tap ?? [];
  const compiled = await compileFile(
    graph,
    registry,
    { granularity: opts.granularity, taps, ...(opts.weights ? { weights: opts.weights } : {}), ...(opts.weightsMap !== undefined ? { weightsMap: opts.weightsMap } : {}), assets },
    io,
    progress,
  );
  const { plan } = compiled;
  const inputs: Record<string, Tensor> = {};
  for (const { name, value } of args) {
    const spec = plan.inputs.find((i) => i.name === name);
    if (spec?.kind === 'audio') inputs[name] = await parseAudioInput(name, value, spec.media ?? {}, io.cwd, note);
    else if (spec?.kind === 'video') inputs[name] = await parseVideoInput(name, value, spec.media ?? {}, io.cwd, note);
    else inputs[name] = await parseInputValue(name, value, spec?.dtype, io.cwd, { maxPixels: opts.maxImagePixels });
  }
  // Bad inputs are reported before any session is created, which can take seconds.
  checkInputs(plan, inputs);

  const { program: loaded } = await loadCompiled(graph, compiled, {
    providers,
    onSession: (e) => progress.step(`session ${e.stage} on ${e.provider} (${formatMs(e.ms)})`),
  }, progress);
  try {
    for (const line of formatProviderReport(loaded.providers)) note(line);
    const stages = stageEvents(progress);
    // Generated tokens go to stdout as they come, or to stderr when stdout carries --json.
    const tokens = tokenStream((t) => (opts.json ? (opts.quiet ? undefined : io.err(t)) : io.out(t)), note);
    const result = await loaded.run(inputs, { taps, onEvent: (e) => (stages(e), tokens(e)) });
    note(`ran ${result.stages.length} ${result.stages.length === 1 ? 'stage' : 'stages'} in ${formatMs(result.ms)}`);
    if (opts.json) {
      const json = (ts: Record<string, Tensor>) => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, tensorToJson(t)]));
      io.out(
        JSON.stringify({
          outputs: json(result.outputs),
          ...(taps.length ? { taps: json(result.taps) } : {}),
          providers: loaded.providers,
          stages: result.stages,
          ms: result.ms,
        }) + '\n',
      );
    } else {
      const blocks = Object.entries(result.outputs).map(([name, t]) => formatTensorBlock(name, t));
      if (taps.length) blocks.push(...Object.entries(result.taps).map(([name, t]) => formatTensorBlock(`tap ${name}`, t)));
      io.out(blocks.join('\n\n') + '\n');
    }
    if (opts.out) {
      for (const file of await writeTensors(path.resolve(io.cwd, opts.out), { ...result.outputs, ...result.taps })) {
        io.err(`wrote ${path.relative(io.cwd, file) || file}\n`);
      }
    }
  } finally {
    await loaded.release();
  }
}
