import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { prepareTraining, type TrainConfig } from '@modalflow/compiler';
import { createEngine, type TrainProgram } from '@modalflow/engine';
import { writeSafetensors } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import type { Dataset } from '@modalflow/data';
import { loadGraphFile, loadAssets, type AssetOptions, loadWeights, readUserFile, providerOrder, UsageError } from '@modalflow/node-io';
import { createProgress } from '../progress.ts';
import { formatMs } from '../format/numbers.ts';
import { openDataSource } from '../train/data-source.ts';
import { readCheckpoint, writeCheckpoint, type RunPosition } from '../train/checkpoint.ts';
import { createTrainProgress } from '../train/progress-line.ts';
import { trainConfigFrom, type TrainFlags } from '../train/flags.ts';
import { readInitWeights } from '../train/init-weights.ts';
import { fewShot } from '@modalflow/data';
import type { Io } from '../io.ts';

export interface TrainOptions extends AssetOptions, TrainFlags {
  data: string;
  eval?: string;
  heldOut?: string;
  steps?: string;
  epochs?: string;
  batchSize: string;
  seed: string;
  weights?: string;
  init?: string;
  shots?: string;
  resume?: string;
  out?: string;
  checkpoint?: string;
  checkpointEvery?: string;
  evalEvery?: string;
  device?: string;
  providers?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number >= 1, got "${value}"`);
  return n;
}

async function evaluateAll(program: TrainProgram, data: Dataset, batchSize: number): Promise<{ loss: number; metrics: Record<string, number>; examples: number }> {
  let examples = 0;
  let loss = 0;
  const sums: Record<string, number> = {};
  for await (const b of data.batches({ batchSize, shuffle: false, dropLast: false })) {
    if (!b.ok) throw b.error;
    const n = b.rows.length;
    const r = await program.evaluate(b.inputs);
    loss += r.loss * n;
    for (const [k, v] of Object.entries(r.metrics)) sums[k] = (sums[k] ?? 0) + v * n;
    examples += n;
  }
  const metrics = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(examples, 1)]));
  return { loss: loss / Math.max(examples, 1), metrics, examples };
}

function formatMetrics(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${/accuracy|_to_/.test(k) ? `${(v * 100).toFixed(1)}%` : v.toPrecision(4)}`)
    .join(' · ');
}

export async function trainCommand(io: Io, file: string, opts: TrainOptions): Promise<void> {
  const steps = positiveInt(opts.steps, '--steps');
  const epochs = positiveInt(opts.epochs, '--epochs');
  if ((steps === undefined) === (epochs === undefined)) throw new UsageError('give exactly one of --steps N or --epochs E');
  const batchSize = positiveInt(opts.batchSize, '--batch-size')!;
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number >= 0, got "${opts.seed}"`);
  const checkpointEvery = positiveInt(opts.checkpointEvery, '--checkpoint-every');
  const evalEvery = positiveInt(opts.evalEvery, '--eval-every');
  if (checkpointEvery && !opts.checkpoint) throw new UsageError('--checkpoint-every needs --checkpoint <file>');
  const providers = providerOrder(opts.device, opts.providers);
  const chatty = !opts.quiet && !opts.json;
  const progress = createProgress(io, chatty && (io.errIsTTY || !!opts.verbose));
  const note = (line: string) => {
    if (chatty) io.err(line + '\n');
  };
  const emit = (event: Record<string, unknown>) => {
    if (opts.json) io.out(JSON.stringify(event) + '\n');
  };

  const registry = createRegistry();
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  if (opts.init !== undefined && opts.weights !== undefined) throw new UsageError('give --weights (every weight) or --init (weights matched by name), not both');
  const shots = positiveInt(opts.shots, '--shots');
  const carried = opts.init !== undefined ? await readInitWeights(graph.doc, registry, opts.init, io.cwd, { file: graph.file, asset: assets.lookup, library: graph.library }) : undefined;
  const weights = carried ? { tensors: carried.tensors, file: opts.init! } : await loadWeights(graph, opts.weights, io.cwd);
  const config: TrainConfig = trainConfigFrom(opts, steps);
  const setup = prepareTraining(graph.doc, registry, {
    file: graph.file,
    train: config,
    ...(weights ? { weights: weights.tensors } : {}),
    asset: assets.lookup,
  });
  const inputs = setup.prefix.plan.inputs;
  const source = await openDataSource(opts.data, inputs, io.cwd);
  let train = shots ? await fewShot(source.dataset, shots, opts.data) : source.dataset;
  let held: Dataset | undefined;
  if (opts.eval) held = (await openDataSource(opts.eval, inputs, io.cwd)).dataset;
  else if (opts.heldOut !== undefined) {
    const fraction = Number(opts.heldOut);
    if (!(fraction > 0)) throw new UsageError(`--held-out must be a fraction in (0, 1) or a count, got "${opts.heldOut}"`);
    const parts = train.split({ heldOut: fraction, seed });
    train = parts.train;
    held = parts.eval;
  } else held = source.heldOut;

  const perEpoch = train.batchCount({ batchSize, dropLast: true });
  if (perEpoch === 0) {
    throw new ModalflowError('MF_DATA_TOO_SMALL', `the training data has ${train.size} examples, fewer than one batch of ${batchSize}`, { file: opts.data });
  }
  const total = steps ?? perEpoch * epochs!;
  config.schedule = { ...config.schedule, totalSteps: total };
  note(`training ${setup.params.length} weights (${setup.frozen.length} frozen) on ${train.size} examples, ${perEpoch} batches of ${batchSize} per epoch, ${total} steps`);
  if (carried) {
    note(`started from ${opts.init}: ${carried.loaded.length} weights by name, ${carried.seeded.length} seeded (${carried.seeded.join(', ') || 'none'}), ${carried.unused.length} of the file unused`);
    emit({ type: 'init', file: opts.init, loaded: carried.loaded, seeded: carried.seeded, unused: carried.unused });
  }
  if (shots) note(`few-shot: ${train.size} training examples, at most ${shots} per class`);
  note(`objective: ${setup.objectives.map((o) => (o.weight === 1 ? o.tensor : `${o.weight} x ${o.tensor}`)).join(' + ')}`);

  const { createNodeRuntime } = await progress.time('loading onnxruntime', () => import('@modalflow/runtime-node'));
  const engine = createEngine(createNodeRuntime(providers ? { providers } : {}), { registry });
  const bar = createTrainProgress(io, total, chatty);
  const program = await engine.train(setup, {
    ...(providers ? { providers } : {}),
    onEvent: (e) => {
      if (e.type === 'compile') bar.note(`compiled the ${e.kind} model for ${e.signature} in ${formatMs(e.ms)}; it runs on ${e.provider}`);
    },
  });

  let position: RunPosition = { step: 0, epoch: 0, batch: 0, seed };
  if (opts.resume) {
    const ckpt = readCheckpoint(await readUserFile(path.resolve(io.cwd, opts.resume), 'checkpoint'), opts.resume);
    if (ckpt.position.seed !== seed) throw new UsageError(`the checkpoint was made with --seed ${ckpt.position.seed}; resume with the same seed`);
    await program.restore(ckpt.weights, ckpt.state, ckpt.position.step);
    position = ckpt.position;
    note(`resumed from ${opts.resume} at step ${position.step} (epoch ${position.epoch + 1}, batch ${position.batch + 1})`);
  }

  const extra = { graph_hash: setup.graphHash, optimizer: JSON.stringify(config.optimizer) };
  const saveCheckpoint = async () => {
    if (!opts.checkpoint) return;
    await writeFile(path.resolve(io.cwd, opts.checkpoint), writeCheckpoint(await program.weights(), await program.optimizerState(), position, extra));
    bar.note(`checkpoint at step ${position.step}: ${opts.checkpoint}`);
  };

  const t0 = performance.now();
  let last: { loss: number; metrics: Record<string, number> } | undefined;
  let examples = 0;
  try {
    if (position.step < total) {
      for await (const b of train.batches({ batchSize, seed, shuffle: true, dropLast: true, epoch: position.epoch, index: position.batch, epochs: Infinity })) {
        if (!b.ok) {
          await saveCheckpoint();
          throw b.error;
        }
        const r = await program.step(b.inputs);
        examples += r.examples;
        position = { step: r.step, epoch: b.index + 1 >= perEpoch ? b.epoch + 1 : b.epoch, batch: b.index + 1 >= perEpoch ? 0 : b.index + 1, seed };
        last = { loss: r.loss, metrics: r.metrics };
        bar.update(r.step, r.loss, r.examples, r.step);
        emit({ type: 'step', step: r.step, loss: r.loss, metrics: r.metrics, examples: r.examples, ms: r.ms });
        if (checkpointEvery && r.step % checkpointEvery === 0) await saveCheckpoint();
        if (evalEvery && held && r.step % evalEvery === 0) {
          const e = await evaluateAll(program, held, batchSize);
          bar.note(`step ${r.step}: held-out loss ${e.loss.toPrecision(4)}${Object.keys(e.metrics).length ? ` · ${formatMetrics(e.metrics)}` : ''}`);
          emit({ type: 'eval', step: r.step, ...e });
        }
        if (r.step >= total) break;
      }
    }
  } finally {
    bar.end();
  }
  const secs = (performance.now() - t0) / 1000;
  await saveCheckpoint();
  if (opts.out) {
    const trained = await program.weights();
    await writeFile(path.resolve(io.cwd, opts.out), writeSafetensors(trained as Map<string, Tensor>, { graph_hash: setup.graphHash, step: String(position.step) }));
    note(`wrote ${trained.size} weights to ${opts.out}`);
  }
  const evaluation = held ? await evaluateAll(program, held, batchSize) : undefined;
  note(`trained ${position.step} steps in ${secs.toFixed(1)} s (${(examples / Math.max(secs, 1e-9)).toFixed(0)} examples/s) on ${program.provider ?? 'cpu'}; final loss ${last?.loss.toPrecision(4) ?? 'n/a'}`);
  if (evaluation) note(`held-out (${evaluation.examples} examples): loss ${evaluation.loss.toPrecision(4)}${Object.keys(evaluation.metrics).length ? ` · ${formatMetrics(evaluation.metrics)}` : ''}`);
  emit({ type: 'done', steps: position.step, seconds: secs, loss: last?.loss, metrics: last?.metrics, provider: program.provider, ...(evaluation ? { eval: evaluation } : {}) });
  await program.release();
}
