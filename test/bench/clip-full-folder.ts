/**
 * A CLIP folder at the published ViT-B/32 sizes (seeded weights, Optimum / transformers.js
 * layout), built once and kept under tmp/bench/ of the repository: compiling 151 M seeded
 * parameters takes minutes on two cores, and every suite that needs it reads the same files.
 * `npx tsx bench/clip-full-folder.ts` builds it and prints its path.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../src/fixtures.ts';
import { VIT_B32, buildClipFolder } from '../src/fixtures-clip-folder.ts';

// Bumped whenever the folder's contents would change, so an old cache is rebuilt.
const VERSION = 1;
export const FULL_CLIP_DIR = path.join(ROOT, 'tmp', 'bench', `clip-vit-b32-v${VERSION}`);

/** The folder's path, building it first when it is not there yet. */
export function fullClipFolder(log: (msg: string) => void = () => {}): string {
  const done = path.join(FULL_CLIP_DIR, '.complete');
  if (existsSync(done)) return FULL_CLIP_DIR;
  rmSync(FULL_CLIP_DIR, { recursive: true, force: true });
  mkdirSync(FULL_CLIP_DIR, { recursive: true });
  log(`building the full-size CLIP folder in ${FULL_CLIP_DIR} (once; minutes)…`);
  const t0 = performance.now();
  buildClipFolder({ ...VIT_B32, words: ['a', 'photo', 'of', 'cat', 'dog', 'car', 'bird', 'tree', 'house', 'boat', 'horse'] }, FULL_CLIP_DIR);
  // transformers.js reads the model type from config.json; the sizes are ViT-B/32's.
  writeFileSync(path.join(FULL_CLIP_DIR, 'config.json'), JSON.stringify(CLIP_CONFIG, null, 2));
  writeFileSync(done, `${Math.round(performance.now() - t0)} ms\n`);
  return FULL_CLIP_DIR;
}

export function folderFile(rel: string): Uint8Array {
  return readFileSync(path.join(FULL_CLIP_DIR, rel));
}

const CLIP_CONFIG = {
  model_type: 'clip',
  architectures: ['CLIPModel'],
  projection_dim: 512,
  logit_scale_init_value: 2.6592,
  text_config: { model_type: 'clip_text_model', hidden_size: 512, num_hidden_layers: 12, num_attention_heads: 8, intermediate_size: 2048, max_position_embeddings: 77, vocab_size: 49408, hidden_act: 'quick_gelu', projection_dim: 512 },
  vision_config: { model_type: 'clip_vision_model', hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, image_size: 224, patch_size: 32, hidden_act: 'quick_gelu', projection_dim: 512 },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(fullClipFolder((m) => process.stderr.write(`${m}\n`)) + '\n');
}
