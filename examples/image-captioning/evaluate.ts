/**
 * Captions the teaching world's test pictures with the tiny captioner and scores them:
 * exact-match accuracy, the share of colour, shape and position words right, and BLEU / CIDEr-D
 * as the COCO caption evaluation computes them (against the one true caption).
 *
 *   npx tsx examples/image-captioning/evaluate.ts --weights captioning.safetensors [--data 'world:shapes?count=4096&seed=1'] [--strategy beam]
 *
 * Prints one JSON document; without --weights it scores the untrained (seeded) model.
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
import { COLOURS, POSITION_PHRASES, SHAPES, examplesOf, generateWorld, parseWorldSpec } from '@modalflow/world';

const { values } = parseArgs({
  options: {
    weights: { type: 'string' },
    data: { type: 'string', default: 'world:shapes?count=4096&seed=1' },
    split: { type: 'string', default: 'test' },
    strategy: { type: 'string', default: 'greedy' },
    batch: { type: 'string', default: '64' },
  },
});

const file = fileURLToPath(new URL('./tiny.json', import.meta.url));
const doc = parseGraph(readFileSync(file, 'utf8'), { file });
for (const n of doc.nodes) if (n.id === 'generate') n.params = { ...n.params, strategy: values.strategy };
const registry = createRegistry();
const weights = values.weights ? readSafetensors(readFileSync(values.weights), { file: values.weights }).tensors : undefined;
const compiled = compileGraph(doc, registry, { file, ...(weights ? { weights } : {}) });
const program = await createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry }).load(compiled);

const world = generateWorld(parseWorldSpec(values.data!));
const examples = examplesOf(world, values.split as 'test');
const batch = Number(values.batch);
const captions: string[] = [];
for (let k = 0; k < examples.length; k += batch) {
  const part = examples.slice(k, k + batch);
  const [h, w, c] = part[0]!.image.dims as [number, number, number];
  const pixels = new Uint8Array(part.length * h * w * c);
  part.forEach((e, i) => pixels.set(e.image.data as Uint8Array, i * h * w * c));
  const image: Tensor = { dtype: 'uint8', dims: [part.length, h, w, c], data: pixels };
  const { outputs } = await program.run({ image }, { cache: false });
  captions.push(...(outputs['caption_text']!.data as string[]));
}
await program.release();

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const has = (caption: string, phrase: readonly string[]) => ` ${caption} `.includes(` ${phrase.join(' ')} `);
let exact = 0, colour = 0, shape = 0, position = 0;
examples.forEach((e, i) => {
  const got = captions[i]!;
  if (words(got).join(' ') === words(e.caption).join(' ')) exact++;
  if (has(got, [e.colour]) && COLOURS.filter((x) => has(got, [x])).length === 1) colour++;
  if (has(got, [e.shape]) && SHAPES.filter((x) => has(got, [x])).length === 1) shape++;
  if (has(got, POSITION_PHRASES[e.position])) position++;
});
const metrics = captioningMetrics(examples.map((e, i) => ({ id: e.id, candidate: captions[i]!, references: [e.caption] })));
const n = examples.length;
const pct = (x: number) => Math.round((1000 * x) / n) / 10;
process.stdout.write(JSON.stringify({
  data: values.data, split: values.split, examples: n, strategy: values.strategy, weights: values.weights ?? 'seeded (untrained)',
  exact_match_pct: pct(exact), colour_pct: pct(colour), shape_pct: pct(shape), position_pct: pct(position),
  bleu4: Math.round(metrics['BLEU-4'] * 1000) / 1000, cider_d: Math.round(metrics['CIDEr-D'] * 1000) / 1000,
  samples: examples.slice(0, 5).map((e, i) => ({ id: e.id, truth: e.caption, caption: captions[i] })),
}, null, 2) + '\n');
