/**
 * Zero-shot classification of a stream of images against fixed labels
 * (examples/clip-zero-shot on the toy CLIP folder of src/fixtures-clip-folder.ts): the first
 * image runs the text tower, later ones find the label embeddings in the engine's cache.
 * Run alone with `npx tsx bench/zero-shot.ts`, or as part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type RunResult } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from '../src/fixtures.ts';
import { buildClipFolder, folderAssets, testImage } from '../src/fixtures-clip-folder.ts';
import { median, round } from './stats.ts';

const LABELS = 'a cat, a dog, a car, a bird, a tree, a house, a boat, a horse';

export interface ZeroShotOptions {
  images?: number;
  rounds?: number;
}

// CLIP ViT-B/32 spends most of a zero-shot run in the text tower (K labels x 77 tokens x 12
// layers against 50 patch tokens for the image); at these sizes the toy folder keeps that
// balance while compiling and running in seconds.
const FOLDER = { width: 128, layers: 4, embed: 64 };

export async function zeroShotBench({ images = 8, rounds = 9 }: ZeroShotOptions = {}) {
  const folder = buildClipFolder(FOLDER);
  const file = `${ROOT}examples/clip-zero-shot/graph.json`;
  const doc = parseGraph(readFileSync(file, 'utf8'), { file });
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const program = await engine.load(compileGraph(doc, registry, { file, asset: folderAssets(doc, folder) }));
  const labels: Tensor = { dtype: 'string', dims: [1], data: [LABELS] };
  // Photo-sized, so preprocessing costs what it does on a real picture.
  const pictures = Array.from({ length: images }, (_, k) => testImage(480, 640, 100 + k));
  const stageMs = new Map<string, { first: number[]; later: number[] }>();
  const first: number[] = [];
  const later: number[] = [];
  let laterCached: string[] = [];
  const record = (r: RunResult, which: 'first' | 'later') => {
    for (const s of r.stages) {
      const name = s.stage.replace(/^s\d+-/, '');
      const entry = stageMs.get(name) ?? { first: [], later: [] };
      entry[which].push(s.ms);
      stageMs.set(name, entry);
    }
  };
  try {
    for (let round = -1; round < rounds; round++) {
      // Each round starts as a new session of the app would: nothing cached.
      program.clearCache();
      for (const [k, image] of pictures.entries()) {
        const t0 = performance.now();
        const r = await program.run({ image, labels });
        const ms = performance.now() - t0;
        // Round -1 warms up sessions and code paths.
        if (round < 0) continue;
        if (k === 0) {
          first.push(ms);
          record(r, 'first');
        } else {
          later.push(ms);
          record(r, 'later');
          laterCached = r.stages.filter((s) => s.cached).map((s) => s.stage.replace(/^s\d+-/, ''));
        }
      }
    }
  } finally {
    await program.release();
    folder.remove();
  }
  return {
    model: `toy CLIP folder (towers of width ${FOLDER.width}, ${FOLDER.layers} layers, embed ${FOLDER.embed}), ${images} images of 640x480 against ${LABELS.split(',').length} labels`,
    images,
    rounds,
    first_image_ms: round(median(first)),
    later_images_ms: round(median(later)),
    speedup: round(median(first) / median(later), 3),
    // What the cache spares each later image: the stages that read only the labels.
    text_side_first_ms: round(['split', 'tokenize', 'text_model'].reduce((a, n) => a + median(stageMs.get(n)?.first ?? [0]), 0), 3),
    later_cached_stages: laterCached,
    stages_median_ms: Object.fromEntries(
      [...stageMs].map(([name, t]) => [name, { first: round(median(t.first), 3), later: round(median(t.later), 3) }]),
    ),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await zeroShotBench(), null, 2) + '\n');
}
