import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeNpy, type Tensor } from '@modalflow/core';
import { tensorToJson } from '../format/tensor.ts';

/** One finished row: its outputs, or the coded error that stopped it. */
export type RowResult =
  | { row: number; id?: unknown; outputs: Record<string, Tensor> }
  | { row: number; id?: unknown; error: { code: string; message: string; location?: unknown } };

/**
 * Where a dataset run writes, and what it has written already: re-running skips those rows.
 * A .jsonl file holds one line per row; a folder holds row-<n>/<output>.npy per row (each
 * renamed into place only once complete) and errors.jsonl.
 */
export interface ResultsStore {
  /** Rows already finished by an earlier run. */
  done: Set<number>;
  write(results: RowResult[]): Promise<void>;
  label: string;
}

const rowDir = (row: number) => `row-${String(row).padStart(6, '0')}`;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Reads the rows a results .jsonl holds, cutting off a last line a killed run left half written. */
async function jsonlRows(file: string): Promise<Set<number>> {
  const done = new Set<number>();
  if (!(await exists(file))) return done;
  const text = await readFile(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) await truncate(file, Buffer.byteLength(text.slice(0, end)));
  for (const line of text.slice(0, end).split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = (JSON.parse(line) as { row?: unknown }).row;
      if (typeof row === 'number') done.add(row);
    } catch {
      // A line that is not JSON is not a finished row; it is left for the reader to see.
    }
  }
  return done;
}

const line = (r: RowResult) =>
  JSON.stringify(
    'outputs' in r
      ? { row: r.row, ...(r.id !== undefined ? { id: r.id } : {}), outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, t]) => [k, tensorToJson(t)])) }
      : r,
  ) + '\n';

export async function openResults(out: string, shown: string): Promise<ResultsStore> {
  if (out.toLowerCase().endsWith('.jsonl')) {
    await mkdir(path.dirname(out), { recursive: true });
    const done = await jsonlRows(out);
    return {
      done,
      label: shown,
      // One append per batch: a crash loses at most the batch in flight, never a row twice.
      write: async (results) => {
        if (results.length) await appendFile(out, results.map(line).join(''));
      },
    };
  }
  await mkdir(out, { recursive: true });
  const errors = path.join(out, 'errors.jsonl');
  const done = await jsonlRows(errors);
  for (const name of await readdir(out)) {
    const m = /^row-(\d+)$/.exec(name);
    if (m) done.add(Number(m[1]));
    // A row folder still being written when the run was killed.
    if (name.startsWith('.partial-')) await rm(path.join(out, name), { recursive: true, force: true });
  }
  return {
    done,
    label: shown,
    write: async (results) => {
      const failed: RowResult[] = [];
      for (const r of results) {
        if (!('outputs' in r)) {
          failed.push(r);
          continue;
        }
        const tmp = path.join(out, `.partial-${rowDir(r.row)}`);
        await mkdir(tmp, { recursive: true });
        for (const [name, t] of Object.entries(r.outputs)) await writeFile(path.join(tmp, `${name}.npy`), writeNpy(t));
        if (r.id !== undefined) await writeFile(path.join(tmp, 'id.json'), JSON.stringify(r.id) + '\n');
        await rename(tmp, path.join(out, rowDir(r.row)));
      }
      if (failed.length) {
        const fh = await open(errors, 'a');
        try {
          await fh.write(failed.map(line).join(''));
        } finally {
          await fh.close();
        }
      }
    },
  };
}
