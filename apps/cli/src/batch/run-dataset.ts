import * as path from 'node:path';
import { ModalflowError, type Tensor } from '@modalflow/core';
import type { Dataset } from '@modalflow/data';
import { openGraph, UsageError, type GraphRunOptions, type GraphRunner } from '@modalflow/node-io';
import { openDataSource } from '../train/data-source.ts';
import { createProgress } from '../progress.ts';
import { formatProviderReport } from '../format/providers.ts';
import type { Io } from '../io.ts';
import { openResults, type RowResult } from './results-store.ts';
import { ProgressBar } from './progress-bar.ts';

export interface DatasetRunOptions extends GraphRunOptions {
  data: string;
  out?: string;
  batchSize?: string;
  verbose?: boolean;
  quiet?: boolean;
  json?: boolean;
}

function errorOf(e: unknown): { code: string; message: string; location?: unknown } {
  if (e instanceof ModalflowError) {
    return { code: e.code, message: e.problems.map((p) => p.message).join('; '), ...(Object.keys(e.at).length ? { location: e.at } : {}) };
  }
  return { code: 'MF_INTERNAL', message: (e as Error)?.message ?? String(e) };
}

/** Rows [start, start + count) of an output, when the output has one row per example. */
function rowsOf(t: Tensor, start: number, count: number): Tensor {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return { dtype: t.dtype, dims: [count, ...t.dims.slice(1)], data: t.data.slice(start * per, (start + count) * per) as Tensor['data'] };
}

/** Runs rows together; a batch that fails (a bad file, a run error) is retried row by row, so one bad row costs only itself. */
async function runRows(ds: Dataset, runner: GraphRunner, rows: number[], index: number, ids: (row: number) => unknown): Promise<RowResult[]> {
  const id = (row: number) => (ids(row) === undefined ? {} : { id: ids(row) });
  const batch = await ds.loadBatch(0, index, rows);
  if (batch.ok) {
    try {
      const outputs = await runner.run(batch.inputs);
      if (Object.values(outputs).every((t) => t.dims[0] === rows.length)) {
        return rows.map((row, i) => ({ row, ...id(row), outputs: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, rowsOf(t, i, 1)])) }));
      }
      if (rows.length === 1) return [{ row: rows[0]!, ...id(rows[0]!), outputs }];
    } catch (e) {
      if (rows.length === 1) return [{ row: rows[0]!, ...id(rows[0]!), error: errorOf(e) }];
    }
  } else if (rows.length === 1) {
    return [{ row: rows[0]!, ...id(rows[0]!), error: errorOf(batch.error) }];
  }
  const out: RowResult[] = [];
  for (const row of rows) out.push(...(await runRows(ds, runner, [row], index, ids)));
  return out;
}

/**
 * `modalflow run graph.json --data <manifest|folder> --out <results.jsonl|dir>`: every row of
 * a dataset through a graph compiled once, in batches, with rows already in the output skipped
 * and a row's error recorded in its place rather than stopping the run.
 */
export async function runDataset(io: Io, file: string, opts: DatasetRunOptions): Promise<void> {
  if (!opts.out) throw new UsageError('--data needs --out <results.jsonl or folder> to write each row\'s outputs to');
  const batchSize = opts.batchSize === undefined ? 16 : Number(opts.batchSize);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size "${opts.batchSize}" is not a positive whole number`);
  const progress = createProgress(io, !opts.quiet && (io.errIsTTY || !!opts.verbose));
  const runner = await openGraph(io, file, opts, progress);
  try {
    if (!opts.quiet) for (const l of formatProviderReport(runner.providers)) io.err(l + '\n');
    const source = await openDataSource(opts.data, runner.inputs, io.cwd);
    const ds = source.dataset;
    const store = await openResults(path.resolve(io.cwd, opts.out), opts.out);
    const todo = ds.rows.filter((r) => !store.done.has(r));
    const skipped = ds.size - todo.length;
    if (!opts.quiet && skipped) io.err(`${skipped} of ${ds.size} rows are already in ${opts.out}; running the other ${todo.length}\n`);
    const ids = await rowIds(opts.data, io.cwd);
    const bar = new ProgressBar(io, todo.length, !opts.quiet);
    let errors = 0;
    let stopping = false;
    const stop = () => {
      stopping = true;
    };
    process.once('SIGINT', stop);
    try {
      for (let i = 0; i < todo.length && !stopping; i += batchSize) {
        const rows = todo.slice(i, i + batchSize);
        const results = await runRows(ds, runner, rows, i / batchSize, ids);
        await store.write(results);
        errors += results.filter((r) => 'error' in r).length;
        bar.update(rows.length, errors);
      }
    } finally {
      process.off('SIGINT', stop);
    }
    bar.finish();
    const summary = { rows: ds.size, ran: bar.done, skipped, errors, seconds: bar.seconds, out: opts.out, stopped: stopping };
    if (opts.json) io.out(JSON.stringify(summary) + '\n');
    else io.out(`${bar.done} rows run, ${skipped} skipped (already done), ${errors} with errors, in ${bar.seconds.toFixed(1)} s; results in ${opts.out}\n`);
    if (stopping) io.exitCode = 130;
  } finally {
    await runner.release();
  }
}

/** A manifest's `id` column, when it has one, travels into the results for joining back. */
async function rowIds(data: string, cwd: string): Promise<(row: number) => unknown> {
  if (!data.toLowerCase().endsWith('.jsonl')) return () => undefined;
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(path.resolve(cwd, data), 'utf8')).split('\n').filter((l) => l.trim());
  const ids = lines.map((l) => {
    try {
      return (JSON.parse(l) as { id?: unknown }).id;
    } catch {
      return undefined;
    }
  });
  return (row) => ids[row];
}
