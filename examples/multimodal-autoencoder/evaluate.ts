/**
 * Runs the tiny multimodal autoencoder over the teaching world's test pairs and measures how
 * well both views come back from the shared code: pixel error of the 16x16 picture and exact
 * caption reconstruction. Each pair is also run with one view blanked (a grey picture, an empty
 * caption) to show what the code carries from the other view alone.
 *
 *   npx tsx examples/multimodal-autoencoder/evaluate.ts --weights examples/multimodal-autoencoder/trained.safetensors
 *
 * Prints one JSON document; without --weights it scores the untrained (seeded) model.
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
import { examplesOf, generateWorld, parseWorldSpec } from '@modalflow/world';

const { values } = parseArgs({
  options: {
    weights: { type: 'string' },
    data: { type: 'string', default: 'world:shapes?count=4096&seed=1' },
    split: { type: 'string', default: 'test' },
    batch: { type: 'string', default: '64' },
  },
});

const file = fileURLToPath(new URL('./tiny.json', import.meta.url));
const doc = parseGraph(readFileSync(file, 'utf8'), { file });
const registry = createRegistry();
const weights = values.weights ? readSafetensors(readFileSync(values.weights), { file: values.weights }).tensors : undefined;
const compiled = compileGraph(doc, registry, { file, ...(weights ? { weights } : {}) });
const program = await createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry }).load(compiled);

// The picture is normalised with std 0.25 before it is compared, so one normalised unit is
// 0.25 x 255 grey levels.
const LEVELS_PER_UNIT = 0.25 * 255;
const world = generateWorld(parseWorldSpec(values.data!));
const examples = examplesOf(world, values.split as 'test');
const batch = Number(values.batch);

type Condition = 'both' | 'caption_only' | 'picture_only';
async function score(condition: Condition) {
  let squared = 0, counted = 0, exact = 0, tokens = 0, tokensRight = 0;
  for (let k = 0; k < examples.length; k += batch) {
    const part = examples.slice(k, k + batch);
    const [h, w, c] = part[0]!.image.dims as [number, number, number];
    const pixels = new Uint8Array(part.length * h * w * c);
    if (condition === 'caption_only') pixels.fill(128);
    else part.forEach((e, i) => pixels.set(e.image.data as Uint8Array, i * h * w * c));
    const image: Tensor = { dtype: 'uint8', dims: [part.length, h, w, c], data: pixels };
    const caption: Tensor = { dtype: 'string', dims: [part.length], data: part.map((e) => (condition === 'picture_only' ? '' : e.caption)) };
    // The targets always come from the real pair: the blanked view is only hidden from the encoder.
    const truth = await program.run({
      image: { dtype: 'uint8', dims: [part.length, h, w, c], data: Uint8Array.from(part.flatMap((e) => Array.from(e.image.data as Uint8Array))) },
      caption: { dtype: 'string', dims: [part.length], data: part.map((e) => e.caption) },
    }, { cache: false });
    const { outputs } = await program.run({ image, caption }, { cache: false });
    const got = outputs['pixels']!.data as Float32Array;
    const want = truth.outputs['target_pixels']!.data as Float32Array;
    for (let i = 0; i < got.length; i++) squared += (got[i]! - want[i]!) ** 2;
    counted += got.length;
    const logits = outputs['word_logits']!;
    const [, positions, vocab] = logits.dims as [number, number, number];
    const ids = truth.outputs['caption_ids']!.data as BigInt64Array;
    const scores = logits.data as Float32Array;
    for (let b = 0; b < part.length; b++) {
      let all = true;
      for (let t = 0; t < positions; t++) {
        let best = 0;
        const row = (b * positions + t) * vocab;
        for (let v = 1; v < vocab; v++) if (scores[row + v]! > scores[row + best]!) best = v;
        const target = Number(ids[b * positions + t]);
        if (best !== target) all = false;
        // Padding after [SEP] is easy to get right; the word accuracy counts real tokens only.
        if (target !== 0) {
          tokens++;
          if (best === target) tokensRight++;
        }
      }
      if (all) exact++;
    }
  }
  const mse = squared / counted;
  return {
    pixel_mse: Number(mse.toPrecision(4)),
    pixel_rmse_grey_levels: Number((Math.sqrt(mse) * LEVELS_PER_UNIT).toFixed(1)),
    caption_exact_pct: Math.round((1000 * exact) / examples.length) / 10,
    caption_token_pct: Math.round((1000 * tokensRight) / tokens) / 10,
  };
}

// What predicting one fixed picture would score: the mean of the training pictures.
async function meanPictureMse(): Promise<number> {
  const train = examplesOf(world, 'train');
  const run = async (list: typeof train) => {
    const out: Float32Array[] = [];
    for (let k = 0; k < list.length; k += batch) {
      const part = list.slice(k, k + batch);
      const [h, w, c] = part[0]!.image.dims as [number, number, number];
      const { outputs } = await program.run({
        image: { dtype: 'uint8', dims: [part.length, h, w, c], data: Uint8Array.from(part.flatMap((e) => Array.from(e.image.data as Uint8Array))) },
        caption: { dtype: 'string', dims: [part.length], data: part.map((e) => e.caption) },
      }, { cache: false });
      const t = outputs['target_pixels']!.data as Float32Array;
      const per = t.length / part.length;
      for (let i = 0; i < part.length; i++) out.push(t.slice(i * per, (i + 1) * per));
    }
    return out;
  };
  const trainPics = await run(train);
  const mean = new Float64Array(trainPics[0]!.length);
  for (const p of trainPics) p.forEach((v, i) => (mean[i]! += v / trainPics.length));
  let squared = 0, count = 0;
  for (const p of await run(examples)) p.forEach((v, i) => { squared += (v - mean[i]!) ** 2; count++; });
  return squared / count;
}

const both = await score('both');
const captionOnly = await score('caption_only');
const pictureOnly = await score('picture_only');
const base = await meanPictureMse();
await program.release();
process.stdout.write(JSON.stringify({
  data: values.data, split: values.split, examples: examples.length, weights: values.weights ?? 'seeded (untrained)',
  both, caption_only: captionOnly, picture_only: pictureOnly,
  mean_picture_mse: Number(base.toPrecision(4)),
  mean_picture_rmse_grey_levels: Number((Math.sqrt(base) * LEVELS_PER_UNIT).toFixed(1)),
}, null, 2) + '\n');
