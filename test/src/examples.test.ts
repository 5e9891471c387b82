import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeGraph, parseGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';
import { sampleInputs } from './sample-inputs.ts';
import { buildClipFolder, folderAssets, type ClipFolder } from './fixtures-clip-folder.ts';

let folder: ClipFolder | undefined;
const clipFolder = () => (folder ??= buildClipFolder());

/**
 * Every example folder holds `graph.json` and may hold `tiny.json` (the same structure at a
 * size that runs in seconds) and `expect.json`:
 *   { "params": <reference total of graph.json>, "tiny": { "outputs": { "<name>": [dims] } } }
 */
interface Expect {
  params?: number;
  tiny?: { outputs?: Record<string, number[]>; inputs?: { batch?: number; other?: number } };
}

const dir = `${ROOT}examples/`;
const examples = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(`${dir}${d.name}/graph.json`)).map((d) => d.name);
const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const releases: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const r of releases) await r();
});

const read = (name: string, file: string) => readFileSync(`${dir}${name}/${file}`, 'utf8');
const expectOf = (name: string): Expect => (existsSync(`${dir}${name}/expect.json`) ? JSON.parse(read(name, 'expect.json')) : {});

describe.each(examples)('example %s', (name) => {
  it('validates, has a teaching page, and its parameter total matches the reference', () => {
    const doc = parseGraph(read(name, 'graph.json'), { file: `${name}/graph.json` });
    // Examples over pretrained files ship no model: they are checked against a folder of the
    // same layout that ModalFlow builds itself.
    const asset = doc.assets ? folderAssets(doc, clipFolder()) : undefined;
    const a = analyzeGraph(doc, registry, { file: `${name}/graph.json`, asset });
    expect(a.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(doc.meta.title).toBeTruthy();
    expect(doc.meta.description).toBeTruthy();
    expect(existsSync(`${dir}${name}/README.md`)).toBe(true);
    const ref = expectOf(name);
    if (ref.params !== undefined) expect(a.totals.params).toBe(ref.params);
  });

  const tinyFile = existsSync(`${dir}${name}/tiny.json`) ? 'tiny.json' : null;
  it.runIf(tinyFile !== null)('its tiny variant compiles and runs headless with the expected output shapes', async () => {
    const doc = parseGraph(read(name, tinyFile!), { file: `${name}/${tinyFile}` });
    const compiled = compileGraph(doc, registry, { file: `${name}/${tinyFile}` });
    const program = await engine.load(compiled);
    releases.push(() => program.release());
    const ref = expectOf(name);
    const { outputs } = await program.run(sampleInputs(compiled.plan, ref.tiny?.inputs));
    for (const [out, dims] of Object.entries(ref.tiny?.outputs ?? {})) {
      expect(outputs[out]?.dims, `output ${out}`).toEqual(dims);
    }
    for (const t of Object.values(outputs)) {
      if (t.data instanceof Float32Array) expect(t.data.every(Number.isFinite)).toBe(true);
    }
  });
});
