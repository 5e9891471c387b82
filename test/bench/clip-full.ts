/**
 * examples/clip-zero-shot on a CLIP folder of the published ViT-B/32 sizes (seeded weights,
 * Optimum layout; built once by clip-full-folder.ts), side by side with transformers.js on the
 * same files, images and labels:
 *   open:       compile ms, session ms, time to first result, against onnxruntime's own
 *               session creation for the two files;
 *   zero_shot:  ms per image with the label embeddings computed for every image (uncached),
 *               reused from the engine's cache (cached), and 8 and 32 images in one run;
 *   int8:       the same with the folder's int8 variant (`modalflow quantize`'s transform),
 *               and top-1 agreement and largest probability difference against float32 on
 *               100 generated images.
 * Run alone with `npx tsx bench/clip-full.ts` (from test/), or as `npm run bench -- clip_full`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { parseGraph, type AssetLookup, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type Program } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from '../src/fixtures.ts';
import { testImage, variantOf } from '../src/fixtures-clip-folder.ts';
import { FULL_CLIP_DIR, fullClipFolder } from './clip-full-folder.ts';
import { median, round } from './stats.ts';

const LABEL_LIST = ['a cat', 'a dog', 'a car', 'a bird'];
const LABELS = LABEL_LIST.join(', ');
const TEMPLATE = (l: string) => `a photo of ${l}`;
const H = 480;
const W = 640;
const log = (msg: string) => process.stderr.write(`bench clip_full: ${msg}\n`);

const hashOf = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Reads the folder's files as the command line does: once, hashed with node:crypto. */
function folderLookup(doc: GraphDoc, variant?: string, hashed = true): AssetLookup {
  const cache = new Map<string, { name: string; uri: string; bytes: Uint8Array; sha256?: string }>();
  return (name) => {
    const uri = doc.assets?.[name]?.uri;
    if (!uri) return undefined;
    const file = variant ? uri.replace(/^onnx\/(.+)\.onnx$/, `onnx/$1_${variant}.onnx`) : uri;
    let a = cache.get(file);
    if (!a) {
      const bytes = readFileSync(path.join(FULL_CLIP_DIR, file));
      a = { name, uri: file, bytes, ...(hashed ? { sha256: hashOf(bytes) } : {}) };
      cache.set(file, a);
    }
    return a;
  };
}

function pictures(n: number, seed: number): Tensor[] {
  return Array.from({ length: n }, (_, k) => testImage(H, W, seed + k));
}

function stack(images: Tensor[]): Tensor {
  const each = (images[0]!.data as Uint8Array).length;
  const data = new Uint8Array(each * images.length);
  images.forEach((t, k) => data.set(t.data as Uint8Array, k * each));
  return { dtype: 'uint8', dims: [images.length, H, W, 3], data };
}

const labels: Tensor = { dtype: 'string', dims: [1], data: [LABELS] };

async function openModalflow(variant?: string, padding?: 'max_length') {
  const file = `${ROOT}examples/clip-zero-shot/graph.json`;
  const t0 = performance.now();
  const doc = parseGraph(readFileSync(file, 'utf8'), { file });
  if (padding) Object.assign(doc.nodes.find((n) => n.id === 'tokenize')!.params, { padding });
  const lookup = folderLookup(doc, variant);
  for (const name of Object.keys(doc.assets ?? {})) lookup(name);
  const t1 = performance.now();
  const compiled = compileGraph(doc, registry, { file, asset: lookup });
  const t2 = performance.now();
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const program = await engine.load(compiled);
  const t3 = performance.now();
  await program.run({ image: pictures(1, 1)[0]!, labels });
  const t4 = performance.now();
  return { program, doc, read_and_hash_ms: t1 - t0, compile_ms: t2 - t1, session_ms: t3 - t2, first_run_ms: t4 - t3 };
}

/** Per-image ms: uncached (labels embedded for each image), cached, and batches of 8 and 32. */
async function zeroShotModalflow(program: Program, rounds: number) {
  const imgs = pictures(rounds, 200);
  const uncached: number[] = [];
  const cached: number[] = [];
  for (const image of imgs) {
    program.clearCache();
    let t0 = performance.now();
    await program.run({ image, labels });
    uncached.push(performance.now() - t0);
    t0 = performance.now();
    await program.run({ image: imgs[(imgs.indexOf(image) + 1) % imgs.length]!, labels });
    cached.push(performance.now() - t0);
  }
  const batched = { batch_8_ms_per_image: NaN, batch_32_ms_per_image: NaN };
  for (const n of [8, 32] as const) {
    const batch = stack(pictures(n, 300 + n));
    await program.run({ image: batch, labels }); // labels cached, batch-size code paths warm
    const t0 = performance.now();
    await program.run({ image: stack(pictures(n, 400 + n)), labels });
    batched[`batch_${n as 8 | 32}_ms_per_image`] = round((performance.now() - t0) / n);
  }
  return { uncached_ms_per_image: round(median(uncached)), cached_ms_per_image: round(median(cached)), ...batched };
}

async function probsModalflow(program: Program, images: Tensor[]): Promise<Float32Array> {
  const out: number[] = [];
  for (let k = 0; k < images.length; k += 25) {
    const r = await program.run({ image: stack(images.slice(k, k + 25)), labels });
    out.push(...(r.outputs['probs']!.data as Float32Array));
  }
  return Float32Array.from(out);
}

/** transformers.js on the same folder: tokenizer, processor and the two towers, as its zero-shot pipeline uses them. */
async function transformersJs(dtype: 'fp32' | 'q8', rounds: number) {
  const tjs = await import('@huggingface/transformers');
  tjs.env.allowRemoteModels = false;
  tjs.env.localModelPath = path.dirname(FULL_CLIP_DIR) + '/';
  const id = path.basename(FULL_CLIP_DIR);
  const t0 = performance.now();
  const tokenizer = await tjs.AutoTokenizer.from_pretrained(id);
  const processor = await tjs.AutoProcessor.from_pretrained(id);
  const textModel = await tjs.CLIPTextModelWithProjection.from_pretrained(id, { dtype, device: 'cpu' });
  const visionModel = await tjs.CLIPVisionModelWithProjection.from_pretrained(id, { dtype, device: 'cpu' });
  const openMs = performance.now() - t0;
  const embedText = async () => {
    const inputs = tokenizer(LABEL_LIST.map(TEMPLATE), { padding: true, truncation: true });
    const { text_embeds } = await textModel(inputs);
    return text_embeds as { data: Float32Array; dims: number[] };
  };
  const embedImages = async (images: Tensor[]) => {
    const raw = images.map((t) => new tjs.RawImage(t.data as Uint8Array, W, H, 3));
    const inputs = await processor(raw);
    const { image_embeds } = await visionModel(inputs);
    return image_embeds as { data: Float32Array; dims: number[] };
  };
  const probs = (img: { data: Float32Array; dims: number[] }, txt: { data: Float32Array; dims: number[] }) => {
    const e = txt.dims[1]!;
    const K = txt.dims[0]!;
    const B = img.dims[0]!;
    const out = new Float32Array(B * K);
    const norm = (a: Float32Array, r: number) => Math.hypot(...a.subarray(r * e, (r + 1) * e));
    for (let b = 0; b < B; b++) {
      const logits = Array.from({ length: K }, (_, k) => {
        let dot = 0;
        for (let d = 0; d < e; d++) dot += img.data[b * e + d]! * txt.data[k * e + d]!;
        return (100 * dot) / (norm(img.data, b) * norm(txt.data, k));
      });
      const m = Math.max(...logits);
      const ex = logits.map((l) => Math.exp(l - m));
      const z = ex.reduce((a, v) => a + v, 0);
      ex.forEach((v, k) => (out[b * K + k] = v / z));
    }
    return out;
  };
  const t1 = performance.now();
  probs(await embedImages(pictures(1, 1)), await embedText());
  const firstMs = performance.now() - t1;
  const imgs = pictures(rounds, 200);
  const uncached: number[] = [];
  const cached: number[] = [];
  const txt = await embedText();
  for (const image of imgs) {
    let t = performance.now();
    probs(await embedImages([image]), await embedText());
    uncached.push(performance.now() - t);
    t = performance.now();
    probs(await embedImages([image]), txt);
    cached.push(performance.now() - t);
  }
  const batched = { batch_8_ms_per_image: NaN, batch_32_ms_per_image: NaN };
  for (const n of [8, 32] as const) {
    probs(await embedImages(pictures(n, 300 + n)), txt);
    const t = performance.now();
    probs(await embedImages(pictures(n, 400 + n)), txt);
    batched[`batch_${n as 8 | 32}_ms_per_image`] = round((performance.now() - t) / n);
  }
  await textModel.dispose();
  await visionModel.dispose();
  return { open_ms: round(openMs), first_result_ms: round(openMs + firstMs), uncached_ms_per_image: round(median(uncached)), cached_ms_per_image: round(median(cached)), ...batched };
}

/** onnxruntime's own session creation for the two files, the floor for opening the folder. */
async function ortSessions(variant?: string): Promise<number> {
  const files = ['onnx/text_model', 'onnx/vision_model'].map((f) => path.join(FULL_CLIP_DIR, `${f}${variant ? `_${variant}` : ''}.onnx`));
  const bytes = files.map((f) => readFileSync(f));
  const t0 = performance.now();
  const sessions = [];
  for (const b of bytes) sessions.push(await ort.InferenceSession.create(b, { executionProviders: ['cpu'] }));
  const ms = performance.now() - t0;
  for (const s of sessions) await s.release();
  return ms;
}

/** The folder's `_quantized` files: ModalFlow's int8 transform, which transformers.js also reads as its q8 dtype. */
function ensureInt8(): void {
  for (const tower of ['text_model', 'vision_model']) {
    const file = path.join(FULL_CLIP_DIR, 'onnx', `${tower}_quantized.onnx`);
    if (existsSync(file)) continue;
    log(`writing ${file}…`);
    writeFileSync(file, variantOf(readFileSync(path.join(FULL_CLIP_DIR, 'onnx', `${tower}.onnx`)), 'quantized'));
  }
}

export async function clipFullBench({ rounds = 5, agreementImages = 100 } = {}) {
  fullClipFolder(log);
  ensureInt8();
  const result: Record<string, unknown> = {
    model: `CLIP ViT-B/32 sizes (vision 768x12, text 512x12, embed 512; seeded weights, Optimum layout, ${FULL_CLIP_DIR}); ${LABEL_LIST.length} labels, ${W}x${H} pictures`,
    load_average: (await import('node:os')).loadavg().map((v) => round(v, 2)),
  };

  log('onnxruntime session creation…');
  const ortBefore = await ortSessions();
  log('ModalFlow float32: open…');
  const f32 = await openModalflow();
  // Measured on both sides of ModalFlow's open, so a burst of load on the machine shows as a spread.
  const ortAfter = await ortSessions();
  const ortMs = Math.min(ortBefore, ortAfter);
  const openRow = {
    read_and_hash_ms: round(f32.read_and_hash_ms),
    compile_ms: round(f32.compile_ms),
    session_ms: round(f32.session_ms),
    first_run_ms: round(f32.first_run_ms),
    time_to_first_result_ms: round(f32.read_and_hash_ms + f32.compile_ms + f32.session_ms + f32.first_run_ms),
    onnxruntime_sessions_ms: round(ortMs),
    onnxruntime_sessions_ms_both: [round(ortBefore), round(ortAfter)],
    compile_plus_session_over_onnxruntime: round((f32.compile_ms + f32.session_ms) / ortMs, 3),
    targets: { compile_ms: 1000, compile_plus_session_over_onnxruntime: 1.1 },
  };
  // The library path with no recorded hash: the first compile hashes each model once (pure-JS sha256), later ones reuse it.
  {
    const doc = f32.doc;
    const lookup = folderLookup(doc, undefined, false);
    const file = `${ROOT}examples/clip-zero-shot/graph.json`;
    const t0 = performance.now();
    compileGraph(doc, registry, { file, asset: lookup });
    const t1 = performance.now();
    compileGraph(doc, registry, { file, asset: lookup });
    const t2 = performance.now();
    Object.assign(openRow, { compile_unhashed_first_ms: round(t1 - t0), compile_unhashed_again_ms: round(t2 - t1) });
  }
  result['open'] = openRow;

  log('ModalFlow float32: zero-shot…');
  const zsF32 = await zeroShotModalflow(f32.program, rounds);
  const agreementSet = Array.from({ length: agreementImages }, (_, k) => testImage(H, W, 1000 + k));
  const pF32 = await probsModalflow(f32.program, agreementSet);
  await f32.program.release();

  log('ModalFlow float32, labels padded to 77 tokens: zero-shot…');
  const max = await openModalflow(undefined, 'max_length');
  const zsMax = await zeroShotModalflow(max.program, rounds);
  await max.program.release();

  log('ModalFlow int8: open and zero-shot…');
  const i8 = await openModalflow('quantized');
  const zsI8 = await zeroShotModalflow(i8.program, rounds);
  const pI8 = await probsModalflow(i8.program, agreementSet);
  await i8.program.release();

  log('transformers.js float32…');
  const tF32 = await transformersJs('fp32', rounds);
  log('transformers.js q8 (the same int8 files)…');
  const tI8 = await transformersJs('q8', rounds);

  const K = LABEL_LIST.length;
  let agree = 0;
  let maxDiff = 0;
  for (let b = 0; b < agreementImages; b++) {
    const row = (p: Float32Array) => Array.from(p.subarray(b * K, (b + 1) * K));
    const [a, q] = [row(pF32), row(pI8)];
    if (a.indexOf(Math.max(...a)) === q.indexOf(Math.max(...q))) agree++;
    for (let k = 0; k < K; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k]! - q[k]!));
  }

  result['zero_shot'] = {
    modalflow_float32: zsF32,
    modalflow_float32_padded_to_77: { uncached_ms_per_image: zsMax.uncached_ms_per_image, cached_ms_per_image: zsMax.cached_ms_per_image },
    transformers_js_float32: tF32,
    speedup_batched_cached_vs_transformers_js: {
      batch_8: round(tF32.batch_8_ms_per_image / zsF32.batch_8_ms_per_image, 3),
      batch_32: round(tF32.batch_32_ms_per_image / zsF32.batch_32_ms_per_image, 3),
      vs_transformers_js_uncached_single: round(tF32.uncached_ms_per_image / zsF32.batch_32_ms_per_image, 3),
      target: 2,
    },
  };
  result['int8'] = {
    modalflow_int8: { compile_ms: round(i8.compile_ms), session_ms: round(i8.session_ms), ...zsI8 },
    transformers_js_q8_same_files: tI8,
    top1_agreement_with_float32: `${agree}/${agreementImages}`,
    max_probability_difference: round(maxDiff, 5),
    int8_over_float32_batch_32: round(zsI8.batch_32_ms_per_image / zsF32.batch_32_ms_per_image, 3),
  };
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await clipFullBench(), null, 2) + '\n');
}
