import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '@modalflow/core';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const BIN = `${ROOT}apps/cli/bin/modalflow.js`;
const GRAPH = `${ROOT}examples/late-fusion/graph.json`;
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 1000;
const BAD = new Set([17, 555]);
/** 1,000 generated rows; two of them have a text vector of the wrong length. */
function manifest(): string {
  const file = path.join(dir, 'items.jsonl');
  const lines = Array.from({ length: N }, (_, k) => {
    const text = Array.from({ length: BAD.has(k) ? 15 : 16 }, (_, i) => Math.sin(k * 7 + i));
    const image = Array.from({ length: 32 }, (_, i) => Math.cos(k * 3 + i));
    return JSON.stringify({ id: `item-${k}`, text, image });
  });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', errIsTTY: false, cwd: dir, out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('modalflow run --data', () => {
  it('runs 1,000 rows, is killed halfway, and on re-run has every row exactly once', async () => {
    const data = manifest();
    const out = path.join(dir, 'results.jsonl');
    const child = spawn(process.execPath, [BIN, 'run', GRAPH, '--data', data, '--out', out, '--batch-size', '1', '--providers', 'cpu', '-q'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    // Killed without warning once a few hundred rows are written, as a crash or kill -9 would.
    while (!(existsSync(out) && lines(out).length >= 300)) {
      if (child.exitCode !== null) throw new Error('the first run ended before it could be interrupted');
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    const before = lines(out).length;
    expect(before).toBeLessThan(N);
    // A line cut in half by the kill is dropped, and its row is run again.
    appendFileSync(out, '{"row": 999, "outp');

    const second = io();
    expect(await runCli(['run', GRAPH, '--data', data, '--out', out, '--batch-size', '32', '--providers', 'cpu', '--json'], second)).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.skipped).toBeGreaterThanOrEqual(before - 1);
    expect(summary.ran + summary.skipped).toBe(N);

    const rows = lines(out).map((l) => JSON.parse(l));
    const seen = new Map<number, number>();
    for (const r of rows) seen.set(r.row, (seen.get(r.row) ?? 0) + 1);
    expect(seen.size).toBe(N);
    expect(rows.filter((r) => r.error).map((r) => r.row).sort((a, b) => a - b)).toEqual([...BAD]);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const r of rows) {
      expect(r.id).toBe(`item-${r.row}`);
      if (BAD.has(r.row)) {
        expect(r.error.code).toMatch(/^MF_/);
        expect(r.error.message).toMatch(/text/);
      } else {
        expect(r.outputs.probs.shape).toEqual([1, 4]);
      }
    }

    // A row's results do not depend on the batch it ran in.
    const single = io();
    const row7 = JSON.parse(readFileSync(data, 'utf8').split('\n')[7]!);
    writeFileSync(path.join(dir, 'text7.json'), JSON.stringify([row7.text]));
    writeFileSync(path.join(dir, 'image7.json'), JSON.stringify([row7.image]));
    await runCli(['run', GRAPH, '-i', 'text=text7.json', '-i', 'image=image7.json', '--json', '--providers', 'cpu', '-q'], single);
    const alone = JSON.parse(single.stdout).outputs.probs.data as number[];
    const batched = rows.find((r) => r.row === 7).outputs.probs.data as number[];
    batched.forEach((v, i) => expect(v).toBeCloseTo(alone[i]!, 5));
  });

  it('writes a folder of .npy files per row and errors.jsonl, skipping finished rows on re-run', async () => {
    const data = path.join(dir, 'small.jsonl');
    writeFileSync(data, readFileSync(path.join(dir, 'items.jsonl'), 'utf8').split('\n').slice(10, 20).join('\n') + '\n');
    const out = path.join(dir, 'results');
    const first = io();
    expect(await runCli(['run', GRAPH, '--data', data, '--out', 'results', '--batch-size', '4', '--providers', 'cpu', '--json', '-q'], first)).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 10, ran: 10, skipped: 0, errors: 1 });
    const folders = readdirSync(out).filter((f) => f.startsWith('row-')).sort();
    expect(folders.length).toBe(9);
    expect(readNpy(new Uint8Array(readFileSync(path.join(out, folders[0]!, 'probs.npy'))), 'probs.npy').dims).toEqual([1, 4]);
    expect(lines(path.join(out, 'errors.jsonl')).map((l) => JSON.parse(l).row)).toEqual([7]);
    const again = io();
    expect(await runCli(['run', GRAPH, '--data', data, '--out', 'results', '--providers', 'cpu', '--json', '-q'], again)).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 10, ran: 0, skipped: 10 });
  });
});
