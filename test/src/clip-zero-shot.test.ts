import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph, parseGraph, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type Program } from '@modalflow/engine';
import { decodeModel } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { clipBpeFixture } from '@modalflow/nodes/testing';
import { ROOT, registry } from './fixtures.ts';
import { CLIP_FOLDER_WORDS, buildClipFolder, encodePng, folderAssets, testImage, type ClipFolder } from './fixtures-clip-folder.ts';

const FILE = `${ROOT}examples/clip-zero-shot/graph.json`;
const doc: GraphDoc = parseGraph(readFileSync(FILE, 'utf8'), { file: FILE });
const LABELS = 'a cat, a dog,a car';
const NAMES = ['a cat', 'a dog', 'a car'];
const labels = (text: string): Tensor => ({ dtype: 'string', dims: [1], data: [text] });
const TAPS = ['vision_model.image_embeds', 'text_model.text_embeds', 'tokenize.ids'];
/**
 * Largest difference from float32 in any label's probability (softmax of 100 · cos). int8:
 * per-tensor activations and per-column weights of 255 levels; fp16: weights, pixels and
 * embeddings rounded to 11 significant bits.
 */
const VARIANT_TOLERANCE = { int8: 0.05, fp16: 2e-3 };

let folder: ClipFolder;
let program: Program;
const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });

beforeAll(async () => {
  folder = buildClipFolder({ variants: ['quantized', 'fp16'] });
  const compiled = compileGraph(doc, registry, { file: FILE, asset: folderAssets(doc, folder), taps: TAPS });
  program = await engine.load(compiled);
});
afterAll(async () => {
  await program?.release();
  folder?.remove();
});

const rows = (t: Tensor) => {
  const [b, k] = t.dims as [number, number];
  return Array.from({ length: b }, (_, r) => Array.from((t.data as Float32Array).subarray(r * k, (r + 1) * k)));
};

/** softmax_k(s · cos(x_b, t_k)) in float64. */
function zeroShotRef(image: Tensor, text: Tensor, scale: number): number[][] {
  const [b, e] = image.dims as [number, number];
  const k = text.dims[0]!;
  const x = image.data as Float32Array;
  const t = text.data as Float32Array;
  const norm = (a: Float32Array, r: number) => Math.sqrt(Array.from(a.subarray(r * e, (r + 1) * e)).reduce((s, v) => s + v * v, 0));
  return Array.from({ length: b }, (_, i) => {
    const logits = Array.from({ length: k }, (_, j) => {
      let dot = 0;
      for (let d = 0; d < e; d++) dot += x[i * e + d]! * t[j * e + d]!;
      return (scale * dot) / (norm(x, i) * norm(t, j));
    });
    const m = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - m));
    const z = exps.reduce((a, v) => a + v, 0);
    return exps.map((v) => v / z);
  });
}

describe('the CLIP model folder fixture', () => {
  it('has the names, dtypes and symbolic sizes of an Optimum export', () => {
    const text = decodeModel(folder.files['onnx/text_model.onnx']!);
    expect(text.inputs).toEqual([{ name: 'input_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] }]);
    expect(text.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['text_embeds', ['batch_size', folder.embed]],
      ['last_hidden_state', ['batch_size', 'sequence_length', 32]],
    ]);
    const vision = decodeModel(folder.files['onnx/vision_model.onnx']!);
    expect(vision.inputs).toEqual([{ name: 'pixel_values', dtype: 'float32', shape: ['batch_size', 3, 224, 224] }]);
    expect(vision.outputs[0]).toMatchObject({ name: 'image_embeds', dtype: 'float32', shape: ['batch_size', folder.embed] });
    expect(Object.keys(folder.files).sort()).toEqual([
      'onnx/text_model.onnx', 'onnx/text_model_fp16.onnx', 'onnx/text_model_quantized.onnx',
      'onnx/vision_model.onnx', 'onnx/vision_model_fp16.onnx', 'onnx/vision_model_quantized.onnx',
      'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json',
    ]);
  });
});

describe('examples/clip-zero-shot on a model folder', () => {
  it('analyses cleanly, with the image batch and the label count as different sizes', () => {
    const a = analyzeGraph(doc, registry, { file: FILE, asset: folderAssets(doc, folder) });
    expect(a.problems).toEqual([]);
    const shape = (node: string, port: string) => a.nodes.get(node)!.outputShapes[port];
    expect(shape('preprocess', 'pixel_values')).toEqual(['B', 3, 224, 224]);
    expect(shape('vision_model', 'image_embeds')).toEqual(['B', folder.embed]);
    expect(shape('labels', 'text')).toEqual(['L']);
    expect(shape('split', 'labels')).toEqual(['K_split']);
    // Padded to the longest label, at most 77 tokens: the length is known when the labels are.
    expect(shape('tokenize', 'ids')).toEqual(['K_split', 'T_tokenize']);
    expect(shape('text_model', 'text_embeds')).toEqual(['K_split', folder.embed]);
    expect(shape('zero_shot', 'probs')).toEqual(['B', 'K_split']);
    expect(shape('top', 'labels')).toEqual(['B', 'K_split']);
  });

  it('gives each label a probability: softmax(100 · cosine) of the tower embeddings, best first with its name', async () => {
    const { outputs, taps } = await program.run({ image: testImage(180, 240, 1), labels: labels(LABELS) }, { taps: TAPS, cache: false });
    expect(outputs['probs']!.dims).toEqual([1, 3]);
    const [probs] = rows(outputs['probs']!) as [number[]];
    expect(probs.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);

    expect(taps['vision_model.image_embeds']!.dims).toEqual([1, folder.embed]);
    expect(taps['text_model.text_embeds']!.dims).toEqual([3, folder.embed]);
    const [ref] = zeroShotRef(taps['vision_model.image_embeds']!, taps['text_model.text_embeds']!, 100) as [number[]];
    probs.forEach((p, k) => expect(Math.abs(p - ref[k]!)).toBeLessThan(1e-5));

    const order = NAMES.map((_, k) => k).sort((a, b) => probs[b]! - probs[a]!);
    expect(outputs['top_labels']!.data).toEqual(order.map((k) => NAMES[k]));
    expect(outputs['ranking']!.data).toEqual(order.map((k) => `${NAMES[k]}: ${probs[k]!.toFixed(4)}`));
  });

  it('tokenizes each label inside the prompt template as CLIP does: start, words, end, padded to the longest with the end token', async () => {
    const { taps } = await program.run({ image: testImage(64, 64, 2), labels: labels('cat,dog dog') }, { taps: TAPS, cache: false });
    const tok = clipBpeFixture(CLIP_FOLDER_WORDS);
    const vocab = tok.tokenizer['model'] as { vocab: Record<string, number> };
    const id = (w: string) => vocab.vocab[`${w}</w>`]!;
    const ids = Array.from(taps['tokenize.ids']!.data as BigInt64Array, Number);
    expect(taps['tokenize.ids']!.dims).toEqual([2, 7]);
    // The end token closes the text and, as CLIP's pad token, fills the rest of the row.
    const expected = (...words: string[]) => [tok.startId, id('a'), id('photo'), id('of'), ...words.map(id), ...Array(3 - words.length).fill(tok.endId)];
    expect(ids).toEqual([...expected('cat'), ...expected('dog', 'dog')]);
  });

  it('gives the probabilities of padding to 77 tokens when padding to the longest label (CLIP pools at the end token)', async () => {
    const max = structuredClone(doc);
    Object.assign(max.nodes.find((n) => n.id === 'tokenize')!.params, { padding: 'max_length' });
    const padded = await engine.load(compileGraph(max, registry, { file: FILE, asset: folderAssets(max, folder), taps: TAPS }));
    try {
      const feeds = { image: testImage(150, 200, 8), labels: labels('a cat, a photo of a dog, car, a bird tree') };
      const [long, full] = [await program.run(feeds, { taps: TAPS, cache: false }), await padded.run(feeds, { taps: TAPS, cache: false })];
      expect(full.taps['tokenize.ids']!.dims).toEqual([4, 77]);
      expect(long.taps['tokenize.ids']!.dims[1]).toBeLessThan(20);
      const p = long.outputs['probs']!.data as Float32Array;
      const q = full.outputs['probs']!.data as Float32Array;
      expect(p.length).toBe(4);
      p.forEach((v, k) => expect(Math.abs(v - q[k]!)).toBeLessThanOrEqual(1e-6));
    } finally {
      await padded.release();
    }
  });

  it('computes the label embeddings once: a second image with the same labels reuses the text stages', async () => {
    program.clearCache();
    const first = await program.run({ image: testImage(120, 160, 3), labels: labels(LABELS) });
    const second = await program.run({ image: testImage(120, 160, 4), labels: labels(LABELS) });
    const cached = (r: typeof first) => Object.fromEntries(r.stages.map((s) => [s.stage.replace(/^s\d+-/, ''), s.cached]));
    expect(cached(first)).toEqual({ preprocess: false, split: false, vision_model: false, tokenize: false, text_model: false, zero_shot: false, top: false });
    expect(cached(second)).toEqual({ preprocess: false, split: true, vision_model: false, tokenize: true, text_model: true, zero_shot: false, top: false });
    expect(second.outputs['probs']!.data).not.toEqual(first.outputs['probs']!.data);

    // New labels for the same image: now the image side is reused and the text side runs.
    const third = await program.run({ image: testImage(120, 160, 4), labels: labels('a bird, a tree') });
    expect(cached(third)).toEqual({ preprocess: true, split: false, vision_model: true, tokenize: false, text_model: false, zero_shot: false, top: false });
    expect(third.outputs['probs']!.dims).toEqual([1, 2]);
  });

  it('classifies a batch of images against labels given as a list, each row as the image alone', async () => {
    const [a, b] = [testImage(96, 128, 7), testImage(96, 128, 8)];
    const both: Tensor = { dtype: 'uint8', dims: [2, 96, 128, 3], data: new Uint8Array([...(a.data as Uint8Array), ...(b.data as Uint8Array)]) };
    const list: Tensor = { dtype: 'string', dims: [2], data: ['a cat, a dog', 'a car'] };
    const { outputs } = await program.run({ image: both, labels: list }, { cache: false });
    expect(outputs['probs']!.dims).toEqual([2, 3]);
    expect(outputs['top_labels']!.dims).toEqual([2, 3]);
    const batched = rows(outputs['probs']!);
    for (const [k, image] of [a, b].entries()) {
      const alone = await program.run({ image, labels: labels(LABELS) }, { cache: false });
      const [row] = rows(alone.outputs['probs']!) as [number[]];
      row.forEach((p, j) => expect(Math.abs(p - batched[k]![j]!)).toBeLessThan(1e-6));
      expect((outputs['top_labels']!.data as string[]).slice(3 * k, 3 * k + 3)).toEqual(alone.outputs['top_labels']!.data);
    }
  });

  it('refuses a label string with no labels in it, naming the node', async () => {
    await expect(program.run({ image: testImage(32, 32, 5), labels: labels(' , ') })).rejects.toMatchObject({ code: 'MF_HOST_INPUT', at: { node: 'split', port: 'text' } });
  });
});

const exec = promisify(execFile);
const CLI = `${ROOT}apps/cli/bin/modalflow.js`;

async function modalflow(args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('modalflow run examples/clip-zero-shot/graph.json --model-dir', () => {
  let image: string;
  const graph = path.relative(ROOT, FILE);
  beforeAll(() => {
    const t = testImage(200, 300, 6);
    image = path.join(folder.dir, 'cat.png');
    writeFileSync(image, encodePng(t.data as Uint8Array, 200, 300));
  });

  it('prints each label with its probability, best first, and matches the library', async () => {
    const args = ['run', graph, '--model-dir', folder.dir, '--input', `image=${image}`, '--input', `labels=${LABELS}`, '--device', 'cpu'];
    const text = await modalflow(args);
    expect(text.stderr).not.toMatch(/error/i);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ranking: string 1×3\n {2}\[\["a (cat|dog|car): [01]\.\d{4}", "a (cat|dog|car): [01]\.\d{4}", "a (cat|dog|car): [01]\.\d{4}"\]\]$/m);

    const json = await modalflow([...args, '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout).outputs;
    expect(out.probs.shape).toEqual([1, 3]);
    expect(out.top_labels.data.slice().sort()).toEqual([...NAMES].sort());
    const t = testImage(200, 300, 6);
    const { outputs } = await program.run({ image: t, labels: labels(LABELS) }, { cache: false });
    (out.probs.data as number[]).forEach((p, k) => expect(Math.abs(p - (outputs['probs']!.data as Float32Array)[k]!)).toBeLessThan(1e-6));
  });

  it('--variant quantized (int8) and --variant fp16 run those files, with the probabilities of float32 within tolerance', async () => {
    const base = ['run', graph, '--model-dir', folder.dir, '--input', `image=${image}`, '--input', `labels=${LABELS}`, '--device', 'cpu', '--json', '-q'];
    const plain = await modalflow(base);
    const probs = (r: { stdout: string }) => JSON.parse(r.stdout).outputs.probs.data as number[];
    for (const [variant, tolerance] of [['quantized', VARIANT_TOLERANCE.int8], ['fp16', VARIANT_TOLERANCE.fp16]] as const) {
      const r = await modalflow([...base, '--variant', variant]);
      expect(r.code, r.stderr).toBe(0);
      const p = probs(r);
      const diff = Math.max(...p.map((v, k) => Math.abs(v - probs(plain)[k]!)));
      expect(diff, variant).toBeLessThan(tolerance);
      // A real variant computes differently: not the float32 numbers to the last bit.
      expect(diff, variant).toBeGreaterThan(0);
    }
    const ops = (f: string) => decodeModel(folder.files[f]!).opTypes;
    expect(ops('onnx/vision_model_quantized.onnx')).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger']));
    expect(decodeModel(folder.files['onnx/vision_model_fp16.onnx']!).inputs[0]!.dtype).toBe('float16');
    expect(decodeModel(folder.files['onnx/text_model_fp16.onnx']!).outputs[0]!.dtype).toBe('float16');
  });

  it('maps words outside a word-level vocabulary to its unknown token, and names them when it has none', async () => {
    // Whitespace-split words, CLIP's start and end tokens around them.
    const wordLevel = (unk: string) => {
      const vocab = Object.fromEntries(['<unk>', '<|startoftext|>', '<|endoftext|>', 'a', 'photo', 'of', 'cat', 'dog'].map((w, i) => [w, i]));
      const special = (id: string) => ({ id, ids: [vocab[id]], tokens: [id] });
      return {
        version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: { type: 'Lowercase' }, pre_tokenizer: { type: 'Whitespace' }, decoder: null,
        post_processor: {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: '<|startoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 0 } }],
          pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { '<|startoftext|>': special('<|startoftext|>'), '<|endoftext|>': special('<|endoftext|>') },
        },
        model: { type: 'WordLevel', vocab, unk_token: unk },
      };
    };
    const file = (name: string, unk: string) => {
      const p = path.join(folder.dir, name);
      writeFileSync(p, JSON.stringify(wordLevel(unk)));
      return p;
    };
    const args = (tok: string) => ['run', graph, '--model-dir', folder.dir, '--asset', `tokenizer=${tok}`, '--input', `image=${image}`, '--input', 'labels=zebra, 😀 émoji, cat', '--device', 'cpu', '--json'];
    const ok = await modalflow([...args(file('word-level.json', '<unk>')), '--tap', 'tokenize.ids']);
    expect(ok.stderr).not.toMatch(/internal error/);
    expect(ok.code).toBe(0);
    const ids = JSON.parse(ok.stdout).taps['tokenize.ids'].data as number[];
    // "a photo of {}": 1 3 4 5, the label, then 2 to the end of the longest row (7 tokens).
    expect(ids).toEqual([1, 3, 4, 5, 0, 2, 2, 1, 3, 4, 5, 0, 0, 2, 1, 3, 4, 5, 6, 2, 2]);
    const none = await modalflow(args(file('word-level-no-unk.json', '<none>')));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/MF_TOKENIZE: text 0: "zebra" is not in the vocabulary and its unk_token "<none>" is not in the vocabulary either.*node "tokenize"/);
  });

  it('without a model folder, says which files are missing and how to give them', async () => {
    const r = await modalflow(['run', graph, '--input', `image=${image}`, '--input', `labels=${LABELS}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('asset "text_model" is "onnx/text_model.onnx"');
    expect(r.stderr).toContain('--asset text_model=<file>');
  });
});
