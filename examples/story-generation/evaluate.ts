/**
 * Tells the stories of the teaching world's test runs of three pictures with the tiny model and
 * scores them: whole stories right, each picture's sentence right in its place, and BLEU-4 /
 * CIDEr-D against the one true story. Prints JSON.
 *
 *   npx tsx examples/story-generation/evaluate.ts --weights examples/story-generation/trained.safetensors
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { captioningMetrics } from '@modalflow/eval';
import { createRegistry } from '@modalflow/nodes';
import { readSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { generateWorld, parseWorldSpec, type WorldExample } from '@modalflow/world';
import { PICTURES, runsOf, story } from './stories.ts';

const { values } = parseArgs({
  options: { weights: { type: 'string' }, data: { type: 'string', default: 'world:shapes?count=9000&seed=2' }, batch: { type: 'string', default: '32' } },
});
const file = fileURLToPath(new URL('./tiny.json', import.meta.url));
const doc = parseGraph(readFileSync(file, 'utf8'), { file });
const registry = createRegistry();
const weights = values.weights ? readSafetensors(readFileSync(values.weights), { file: values.weights }).tensors : undefined;
const program = await createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry }).load(compileGraph(doc, registry, { file, ...(weights ? { weights } : {}) }));

const runs = runsOf(generateWorld(parseWorldSpec(values.data!)), 'test');
const batch = Number(values.batch);
const told: string[] = [];
const stack = (pics: WorldExample[]): Tensor => {
  const [h, w, c] = pics[0]!.image.dims as [number, number, number];
  const data = new Uint8Array(pics.length * h * w * c);
  pics.forEach((e, i) => data.set(e.image.data as Uint8Array, i * h * w * c));
  return { dtype: 'uint8', dims: [pics.length, h, w, c], data };
};
for (let k = 0; k < runs.length; k += batch) {
  const part = runs.slice(k, k + batch);
  const inputs: Record<string, Tensor> = {};
  for (let p = 0; p < PICTURES; p++) inputs[`image${p + 1}`] = stack(part.map((r) => r[p]!));
  const { outputs } = await program.run(inputs, { cache: false });
  told.push(...(outputs['story_text']!.data as string[]));
}
await program.release();

const n = runs.length;
let exact = 0;
let sentences = 0;
runs.forEach((run, i) => {
  if (told[i] === story(run)) exact++;
  const parts = told[i]!.split(' then ');
  run.forEach((e, p) => (sentences += parts[p] === e.caption ? 1 : 0));
});
const m = captioningMetrics(runs.map((run, i) => ({ id: i, candidate: told[i]!, references: [story(run)] })));
process.stdout.write(JSON.stringify({
  data: values.data, split: 'test', stories: n, weights: values.weights ?? 'seeded (untrained)',
  exact_story_pct: Math.round((1000 * exact) / n) / 10,
  sentence_in_place_pct: Math.round((1000 * sentences) / (n * PICTURES)) / 10,
  bleu4: Math.round(m['BLEU-4'] * 1000) / 1000, cider_d: Math.round(m['CIDEr-D'] * 1000) / 1000,
  samples: runs.slice(0, 3).map((run, i) => ({ truth: story(run), told: told[i] })),
}, null, 2) + '\n');
