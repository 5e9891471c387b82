import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeGraph, parseGraph, type Tensor } from '@modalflow/core';
import { allWeights, analyzeOrThrow, compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';
import { sampleInputs } from './sample-inputs.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const releases: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const r of releases) await r();
});

const load = (path: string) => parseGraph(readFileSync(`${ROOT}${path}`, 'utf8'), { file: path });

/**
 * ViLBERT's six co-attention layers became instances of one block. `vilbert-tiny-flat.json` is
 * the tiny graph as it was written before, node by node; each of its weights has exactly one
 * counterpart under the instance-prefixed name given by these renames.
 */
function toBlockName(flat: string): string {
  return flat
    .replace(/^co_(\d)\./, 'co_layer_$1.co.')
    .replace(/^text_(\d+)\./, (_, k: string) => `co_layer_${Number(k) - 6}.text.`)
    .replace(/^vision_(\d)\./, 'co_layer_$1.vision.');
}

async function run(doc: ReturnType<typeof load>, weights?: Map<string, Tensor>) {
  const compiled = compileGraph(doc, registry, weights ? { weights } : {});
  const program = await engine.load(compiled);
  releases.push(() => program.release());
  return (await program.run(sampleInputs(compiled.plan, { batch: 2 }))).outputs;
}

describe('examples rewritten with blocks', () => {
  it('ViLBERT keeps its parameter totals, at both sizes', () => {
    const flat = analyzeGraph(load('test/fixtures/vilbert-tiny-flat.json'), registry);
    const blocks = analyzeGraph(load('examples/vilbert/tiny.json'), registry);
    expect(blocks.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(blocks.totals).toEqual(flat.totals);
    const full = analyzeGraph(load('examples/vilbert/graph.json'), registry);
    expect(full.totals.params).toBe(JSON.parse(readFileSync(`${ROOT}examples/vilbert/expect.json`, 'utf8')).params);
    expect([...blocks.instances.keys()]).toEqual([1, 2, 3, 4, 5, 6].map((k) => `co_layer_${k}`));
  });

  it('ViLBERT tiny gives bit-identical outputs with the same weights under their new names', async () => {
    const flatDoc = load('test/fixtures/vilbert-tiny-flat.json');
    const blockDoc = load('examples/vilbert/tiny.json');
    const flatWeights = allWeights(analyzeOrThrow(flatDoc, registry));
    const renamed = new Map([...flatWeights].map(([k, t]) => [toBlockName(k), t]));
    const declared = [...allWeights(analyzeOrThrow(blockDoc, registry)).keys()].sort();
    expect([...renamed.keys()].sort()).toEqual(declared);
    // The layer numbers the block's params set keep the reference's weight names inside each instance.
    expect(declared).toContain('co_layer_2.text.layer.2.attention.self.query.weight');
    expect(declared).toContain('co_layer_2.vision.layer.1.attention.self.query.weight');

    const before = await run(flatDoc);
    const after = await run(blockDoc, renamed);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [name, t] of Object.entries(before)) {
      expect(after[name]!.dims, name).toEqual(t.dims);
      const bytes = (x: Tensor) => Buffer.from((x.data as Float32Array).buffer, (x.data as Float32Array).byteOffset, (x.data as Float32Array).byteLength);
      expect(bytes(after[name]!).equals(bytes(t)), name).toBe(true);
    }
  });
});
