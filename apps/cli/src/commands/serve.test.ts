import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelName } from './serve.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const BIN = `${ROOT}apps/cli/bin/modalflow.js`;

describe('modalflow serve', () => {
  it('names models after their file, or their folder for graph.json', () => {
    expect(modelName('examples/late-fusion/graph.json').name).toBe('late-fusion');
    expect(modelName('examples/late-fusion/tiny.json').name).toBe('tiny');
    expect(modelName('lf=examples/late-fusion/graph.json')).toEqual({ name: 'lf', file: 'examples/late-fusion/graph.json' });
  });

  it('answers the README request, then stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', 'examples/late-fusion/graph.json', '--port', '0', '--providers', 'cpu'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /serving late-fusion at (http:\/\/[\d.:]+)\//.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const res = await fetch(`${address}/v2/models/late-fusion/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: readFileSync(`${ROOT}examples/late-fusion/infer-request.json`),
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.id).toBe('example');
      expect(body.outputs.map((o: { name: string; shape: number[] }) => [o.name, o.shape])).toEqual([
        ['probs', [2, 4]],
        ['logits', [2, 4]],
      ]);
      // Log lines are JSON, one a line.
      const logs = err.split('\n').filter((l) => l.startsWith('{'));
      expect(logs.length).toBeGreaterThan(0);
      for (const l of logs) expect(() => JSON.parse(l)).not.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(err).toContain('stopped');
  });
});
