import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'modalflow-world-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): Io & { text: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, cwd: ROOT, text: () => out + err };
}

describe('modalflow world', () => {
  it('writes the teaching world as manifests and pictures that modalflow train reads', async () => {
    const dir = path.join(work, 'shapes');
    const w = io();
    expect(await runCli(['world', 'world:shapes?count=48&seed=4&heldout=purple-circle', '-o', dir], w), w.text()).toBe(0);
    const rows = readFileSync(path.join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(existsSync(path.join(dir, r.image)), r.image).toBe(true);
      expect(r.text).toContain(r.colour);
      expect(`${r.colour}-${r.shape}`).not.toBe('purple-circle');
    }
    const t = io();
    const code = await runCli(['train', 'examples/clip/tiny.json', '--data', path.join(dir, 'train.jsonl'), '--steps', '2', '--batch-size', '8', '--json'], t);
    expect(code, t.text()).toBe(0);
    expect(t.text()).toContain('"type":"done"');
  }, 120_000);

  it('refuses a spec it cannot read as a usage error', async () => {
    const w = io();
    expect(await runCli(['world', 'world:shapes?count=ten', '-o', path.join(work, 'bad')], w)).toBe(2);
  });
});
