import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeBlockLibrary, sha256Hex, type BlockDoc } from '@modalflow/core';
import { runCli } from './cli.ts';
import type { Io } from './io.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'modalflow-blocks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const proj: BlockDoc = {
  version: 1, params: { dim: { kind: 'int', default: 4, min: 1 } },
  inputs: { x: { to: [['fc', 'x']] } }, outputs: { y: { from: ['act', 'y'] } },
  nodes: [
    { id: 'fc', type: 'layer.linear', typeVersion: 1, params: {}, bind: { out: 'dim * 2' } },
    { id: 'act', type: 'layer.activation', typeVersion: 1, params: {} },
  ],
  edges: [{ from: ['fc', 'y'], to: ['act', 'x'] }],
};
const library = serializeBlockLibrary({ proj });

function graph(sha256: string) {
  return JSON.stringify({
    format: 'modalflow.graph', version: 1, meta: { title: 'library user' }, seed: 1,
    blockLibraries: [{ uri: 'lib/proj.json', sha256 }],
    nodes: [
      { id: 'x', type: 'input.tensor', typeVersion: 1, params: { shape: 'B, 6' } },
      { id: 'p', type: 'block:proj', typeVersion: 1, params: { dim: 3 } },
      { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
    ],
    edges: [{ from: ['x', 'value'], to: ['p', 'x'] }, { from: ['p', 'y'], to: ['out', 'value'] }],
  });
}

function validate(dir: string, args: string[] = []): Promise<{ code: number; text: string }> {
  let text = '';
  const io: Io = { out: (s) => (text += s), err: (s) => (text += s), errIsTTY: false, cwd: dir };
  return runCli(['validate', 'graph.json', ...args], io).then((code) => ({ code, text }));
}

function folder(name: string, lib: string | null, pinned = sha256Hex(library)): string {
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  writeFileSync(path.join(dir, 'graph.json'), graph(pinned));
  if (lib !== null) writeFileSync(path.join(dir, 'lib/proj.json'), lib);
  return dir;
}

describe('graphs using block library files', () => {
  it('validate with the library read from beside the graph', async () => {
    const r = await validate(folder('good', library));
    expect(r.text).toMatch(/^ok /);
    expect(r.code).toBe(0);
  });

  it('name a missing library at its entry in the graph', async () => {
    const r = await validate(folder('missing', null));
    expect(r.code).toBe(1);
    expect(r.text).toContain('MF_BLOCK_FILE_MISSING');
    expect(r.text).toContain('/blockLibraries/0/uri');
  });

  it('refuse a library changed after the graph pinned it', async () => {
    const r = await validate(folder('tampered', library.replace('dim * 2', 'dim * 3')));
    expect(r.code).toBe(1);
    expect(r.text).toContain('MF_BLOCK_FILE_HASH');
    expect(r.text).toContain('lib/proj.json');
  });
});
