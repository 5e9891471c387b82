/**
 * Holds two-turn dialogues with the tiny model about the teaching world's test pictures: turn one
 * asks for the shape, turn two (after the model's own first reply) for the colour or the place.
 * Prints the share of right replies per turn as JSON.
 *
 *   npx tsx examples/multimodal-dialogue/evaluate.ts --weights examples/multimodal-dialogue/trained.safetensors
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { readSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { examplesOf, generateWorld, parseWorldSpec, type WorldExample } from '@modalflow/world';
import { FIRST_QUESTION, secondTurn } from './dialogues.ts';

const { values } = parseArgs({
  options: { weights: { type: 'string' }, data: { type: 'string', default: 'world:shapes?count=4096&seed=1' }, batch: { type: 'string', default: '64' } },
});
const file = fileURLToPath(new URL('./tiny.json', import.meta.url));
const doc = parseGraph(readFileSync(file, 'utf8'), { file });
const registry = createRegistry();
const weights = values.weights ? readSafetensors(readFileSync(values.weights), { file: values.weights }).tensors : undefined;
const program = await createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry }).load(compileGraph(doc, registry, { file, ...(weights ? { weights } : {}) }));

const examples = examplesOf(generateWorld(parseWorldSpec(values.data!)), 'test');
const batch = Number(values.batch);

async function reply(prompts: string[]): Promise<string[]> {
  const out: string[] = [];
  for (let k = 0; k < examples.length; k += batch) {
    const part: WorldExample[] = examples.slice(k, k + batch);
    const [h, w, c] = part[0]!.image.dims as [number, number, number];
    const pixels = new Uint8Array(part.length * h * w * c);
    part.forEach((e, i) => pixels.set(e.image.data as Uint8Array, i * h * w * c));
    const image: Tensor = { dtype: 'uint8', dims: [part.length, h, w, c], data: pixels };
    const dialogue: Tensor = { dtype: 'string', dims: [part.length], data: prompts.slice(k, k + batch) };
    const { outputs } = await program.run({ image, dialogue }, { cache: false });
    out.push(...(outputs['reply']!.data as string[]));
  }
  return out;
}

const first = await reply(examples.map(() => FIRST_QUESTION));
const second = await reply(examples.map((e, i) => [FIRST_QUESTION, first[i], secondTurn(e).question].join(' [SEP] ')));
await program.release();
const n = examples.length;
const pct = (x: number) => Math.round((1000 * x) / n) / 10;
const colour = examples.filter((e) => e.index % 2 === 0);
process.stdout.write(JSON.stringify({
  data: values.data, split: 'test', dialogues: n, weights: values.weights ?? 'seeded (untrained)',
  turn1_shape_pct: pct(examples.filter((e, i) => first[i] === e.shape).length),
  turn2_pct: pct(examples.filter((e, i) => second[i] === secondTurn(e).answer).length),
  turn2_colour_pct: Math.round((1000 * colour.filter((e) => second[examples.indexOf(e)] === e.colour).length) / colour.length) / 10,
  turn2_place_pct: Math.round((1000 * examples.filter((e, i) => e.index % 2 === 1 && second[i] === e.position).length) / (n - colour.length)) / 10,
  both_turns_pct: pct(examples.filter((e, i) => first[i] === e.shape && second[i] === secondTurn(e).answer).length),
  samples: examples.slice(0, 4).map((e, i) => ({ id: e.id, dialogue: [FIRST_QUESTION, first[i], secondTurn(e).question, second[i]].join(' | '), truth: [e.shape, secondTurn(e).answer] })),
}, null, 2) + '\n');
