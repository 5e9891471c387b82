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

/** One way of classifying pictures against the labels, so several can be timed turn by turn. */
interface Side {
  /** Labels embedded again for this picture. */
  uncached(image: Tensor): Promise<void>;
  /** Label embeddings reused. */
  cached(image: Tensor): Promise<void>;
  /** Pictures in one run, label embeddings reused; stage times where the side reports them. */
  batch(images: Tensor[]): Promise<Record<string, number> | undefined>;
}

function modalflowSide(program: Program): Side {
  return {
    async uncached(image) {
      program.clearCache();
      await program.run({ image, labels });
    },
    async cached(image) {
      await program.run({ image, labels });
    },
    async batch(images) {
      const r = await program.run({ image: stack(images), labels });
      return Object.fromEntries(r.stages.map((s) => [s.stage.replace(/^s\d+-/, ''), round(s.ms)]));
    },
  };
}

/**
 * Per-image ms of each side: uncached, cached, and batches of 8 and 32. The sides take turns
 * run by run, so a burst of load on the machine (shared with other work) hits each alike.
 */
async function zeroShotSideBySide(sides: Record<string, Side>, rounds: number) {
  const names = Object.keys(sides);
  const t: Record<string, { uncached: number[]; cached: number[]; b8: number[]; b32: number[]; stages32?: Record<string, number> }> = {};
  for (const n of names) t[n] = { uncached: [], cached: [], b8: [], b32: [] };
  const imgs = pictures(rounds, 200);
  // Other pictures for the cached runs: the same picture again would find its whole run cached.
  const others = pictures(rounds, 250);
  for (const n of names) await sides[n]!.cached(pictures(1, 199)[0]!); // warm, labels embedded
  for (const [k, image] of imgs.entries()) {
    for (const n of names) {
      let t0 = performance.now();
      await sides[n]!.uncached(image);
      t[n]!.uncached.push(performance.now() - t0);
      t0 = performance.now();
      await sides[n]!.cached(others[k]!);
      t[n]!.cached.push(performance.now() - t0);
    }
  }
  for (const size of [8, 32] as const) {
    for (const n of names) await sides[n]!.batch(pictures(size, 300 + size)); // batch-size code paths warm
    for (let r = 0; r < 2; r++) {
      for (const n of names) {
        const batch = pictures(size, 400 + size + r);
        const t0 = performance.now();
        const stages = await sides[n]!.batch(batch);
        (size === 8 ? t[n]!.b8 : t[n]!.b32).push((performance.now() - t0) / size);
        if (size === 32 && stages) t[n]!.stages32 = stages;
      }
    }
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      {
        uncached_ms_per_image: round(median(t[n]!.uncached)),
        cached_ms_per_image: round(median(t[n]!.cached)),
        batch_8_ms_per_image: round(Math.min(...t[n]!.b8)),
        batch_32_ms_per_image: round(Math.min(...t[n]!.b32)),
        ...(t[n]!.stages32 ? { batch_32_stage_ms: t[n]!.stages32 } : {}),
      },
    ]),
  );
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
async function transformersJs(dtype: 'fp32' | 'q8') {
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
  type Emb = { data: Float32Array; dims: number[] };
  const embedText = async (): Promise<Emb> => {
    const inputs = tokenizer(LABEL_LIST.map(TEMPLATE), { padding: true, truncation: true });
    const { text_embeds } = await textModel(inputs);
    return text_embeds as Emb;
  };
  const embedImages = async (images: Tensor[]): Promise<Emb> => {
    const raw = images.map((t) => new tjs.RawImage(t.data as Uint8Array, W, H, 3));
    const inputs = await processor(raw);
    const { image_embeds } = await visionModel(inputs);
    return image_embeds as Emb;
  };
  const probs = (img: Emb, txt: Emb) => {
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
  let txt = await embedText();
  probs(await embedImages(pictures(1, 1)), txt);
  const firstMs = performance.now() - t1;
  const side: Side = {
    async uncached(image) {
      txt = await embedText();
      probs(await embedImages([image]), txt);
    },
    async cached(image) {
      probs(await embedImages([image]), txt);
    },
    async batch(images) {
      probs(await embedImages(images), txt);
      return undefined;
    },
  };
  return {
    side,
    open: { open_ms: round(openMs), first_result_ms: round(openMs + firstMs) },
    release: async () => {
      await textModel.dispose();
      await visionModel.dispose();
    },
  };
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

  const agreementSet = Array.from({ length: agreementImages }, (_, k) => testImage(H, W, 1000 + k));
  const pF32 = await probsModalflow(f32.program, agreementSet);

  log('transformers.js float32: open…');
  const tF32 = await transformersJs('fp32');
  log('zero-shot, float32, ModalFlow and transformers.js taking turns…');
  const zs = await zeroShotSideBySide({ modalflow: modalflowSide(f32.program), transformers_js: tF32.side }, rounds);
  await tF32.release();
  await f32.program.release();

  log('ModalFlow float32, labels padded to 77 tokens: zero-shot…');
  const max = await openModalflow(undefined, 'max_length');
  const zsMax = (await zeroShotSideBySide({ modalflow: modalflowSide(max.program) }, rounds))['modalflow']!;
  await max.program.release();

  log('int8: ModalFlow and transformers.js (q8, the same files) taking turns…');
  const i8 = await openModalflow('quantized');
  const pI8 = await probsModalflow(i8.program, agreementSet);
  const tI8 = await transformersJs('q8');
  const zsI8 = await zeroShotSideBySide({ modalflow: modalflowSide(i8.program), transformers_js: tI8.side }, rounds);
  await tI8.release();
  await i8.program.release();
  const zsF32 = zs['modalflow']!;
  const tjsF32 = { ...tF32.open, ...zs['transformers_js']! };

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
    transformers_js_float32: tjsF32,
    transformers_js_over_modalflow: {
      uncached: round(tjsF32.uncached_ms_per_image / zsF32.uncached_ms_per_image, 3),
      cached: round(tjsF32.cached_ms_per_image / zsF32.cached_ms_per_image, 3),
      batch_8: round(tjsF32.batch_8_ms_per_image / zsF32.batch_8_ms_per_image, 3),
      batch_32: round(tjsF32.batch_32_ms_per_image / zsF32.batch_32_ms_per_image, 3),
      transformers_js_uncached_over_modalflow_batch_32: round(tjsF32.uncached_ms_per_image / zsF32.batch_32_ms_per_image, 3),
      target: 2,
    },
  };
  result['int8'] = {
    modalflow_int8: { compile_ms: round(i8.compile_ms), session_ms: round(i8.session_ms), ...zsI8['modalflow']! },
    transformers_js_q8_same_files: { ...tI8.open, ...zsI8['transformers_js']! },
    top1_agreement_with_float32: `${agree}/${agreementImages}`,
    max_probability_difference: round(maxDiff, 5),
    // Measured in separate phases of the run, so more exposed to the machine's load than the turn-by-turn rows.
    modalflow_int8_over_float32: {
      cached: round(zsI8['modalflow']!.cached_ms_per_image / zsF32.cached_ms_per_image, 3),
      batch_32: round(zsI8['modalflow']!.batch_32_ms_per_image / zsF32.batch_32_ms_per_image, 3),
    },
  };
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await clipFullBench(), null, 2) + '\n');
}
