import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { AssetLookup, GraphDoc, Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { encodeModel, quantizeInt8, readModel, toFloat16, type OnnxGraph } from '@modalflow/onnx';
import { clipBpeFixture } from '@modalflow/nodes/testing';
import { registry } from './fixtures.ts';

/**
 * A CLIP model folder in the Hugging Face Optimum / transformers.js layout, built with
 * ModalFlow's own compiler at toy widths, so the zero-shot example runs on real files without
 * downloading anything:
 *   onnx/text_model.onnx    input_ids int64 [batch_size, sequence_length]
 *                           -> text_embeds [batch_size, embed], last_hidden_state
 *   onnx/vision_model.onnx  pixel_values float32 [batch_size, 3, 224, 224]
 *                           -> image_embeds [batch_size, embed], last_hidden_state
 *   tokenizer.json, tokenizer_config.json   nodes/testing/bpe-fixture.ts (end token = highest id,
 *                           so end-token pooling finds it by argmax, as in CLIP)
 *   preprocessor_config.json                openai/clip-vit-base-patch32's, as published
 * The weights are seeded, not trained: the embeddings mean nothing, but every value is
 * deterministic and the files have the names, dtypes and symbolic sizes of an export.
 */

export interface ClipFolderOptions {
  /** Width of the joint space (512 in ViT-B/32). */
  embed?: number;
  /** Width of both towers. */
  width?: number;
  /** Transformer layers of each tower. */
  layers?: number;
  /** Words the tokenizer knows whole. */
  words?: readonly string[];
  /**
   * Also write `onnx/<name>_<variant>.onnx` for each: `quantized` and `int8` are dynamically
   * quantised int8 models (MatMulInteger), `fp16` a float16 model, as `modalflow quantize` writes them.
   */
  variants?: readonly string[];
  seed?: number;
  /** Width of the text tower when it differs from the image tower's (512 against 768 in ViT-B/32). */
  textWidth?: number;
  /** Attention heads of the text and image towers (8 and 12 in ViT-B/32). */
  heads?: { text: number; vision: number };
  /** MLP width over model width (4 in CLIP). */
  mlpRatio?: number;
  /** Rows of the token embedding; at least the tokenizer's vocabulary (49,408 in CLIP). */
  vocab?: number;
}

/** The sizes of CLIP ViT-B/32 (openai/clip-vit-base-patch32): about 151 M parameters, 600 MB of float32. */
export const VIT_B32: ClipFolderOptions = { embed: 512, width: 768, textWidth: 512, layers: 12, heads: { text: 8, vision: 12 }, mlpRatio: 4, vocab: 49408 };

export interface ClipFolder {
  dir: string;
  embed: number;
  vocabSize: number;
  /** Every file written, by its path in the folder. */
  files: Record<string, Uint8Array>;
  remove(): void;
}

export const CLIP_PREPROCESSOR_CONFIG = {
  crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor',
  image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224,
};

export const CLIP_FOLDER_WORDS = ['a', 'photo', 'of', 'cat', 'dog', 'car', 'bird', 'tree'];

type Node = GraphDoc['nodes'][number];
const node = (id: string, type: string, params: Record<string, unknown> = {}): Node => ({ id, type, typeVersion: 1, params });

function doc(title: string, seed: number, nodes: Node[], edges: [string, string][]): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title }, seed, nodes,
    edges: edges.map(([from, to]) => ({ from: from.split('.') as [string, string], to: to.split('.') as [string, string] })),
  };
}

/** CLIP's text tower: token + position embedding, causal pre-norm layers, final norm, end token, projection. */
export function textTowerGraph(vocab: number, width: number, embed: number, seed: number, layers = 1, heads = 2, mlpRatio = 2): GraphDoc {
  return doc('text_model', seed, [
    node('input_ids', 'input.tensor', { dtype: 'int64', shape: 'B, T' }),
    node('embeddings', 'encoder.token_embed', { vocab, dim: width, max_positions: 77, type_vocab: 0, layer_norm: false }),
    node('encoder', 'encoder.transformer', { layers, dim: width, heads, mlp_ratio: mlpRatio, activation: 'quick_gelu', norm: 'pre', eps: 1e-5, causal: true, final_norm: true }),
    node('pool', 'pool.end_token', { end_id: -1 }),
    node('text_projection', 'layer.linear', { out: embed, bias: false }),
    node('text_embeds', 'output.tensor'),
    node('last_hidden_state', 'output.tensor'),
  ], [
    ['input_ids.value', 'embeddings.ids'], ['embeddings.tokens', 'encoder.x'], ['encoder.y', 'pool.x'], ['input_ids.value', 'pool.ids'],
    ['pool.pooled', 'text_projection.x'], ['text_projection.y', 'text_embeds.value'], ['encoder.y', 'last_hidden_state.value'],
  ]);
}

/** CLIP's vision tower: 32-pixel patches and a class token, pre-norm layers, class token, post norm, projection. */
export function visionTowerGraph(width: number, embed: number, seed: number, layers = 1, heads = 2, mlpRatio = 2): GraphDoc {
  return doc('vision_model', seed, [
    node('pixel_values', 'input.tensor', { dtype: 'float32', shape: 'B, 3, 224, 224' }),
    node('embeddings', 'encoder.patch_embed', { patch: 32, dim: width, image_size: 224, channels: 3, class_token: true, bias: false }),
    node('encoder', 'encoder.transformer', { layers, dim: width, heads, mlp_ratio: mlpRatio, activation: 'quick_gelu', norm: 'pre', eps: 1e-5, pre_norm: true }),
    node('pool', 'pool.cls', { index: 0 }),
    node('post_layernorm', 'layer.layer_norm', { eps: 1e-5 }),
    node('visual_projection', 'layer.linear', { out: embed, bias: false }),
    node('image_embeds', 'output.tensor'),
    node('last_hidden_state', 'output.tensor'),
  ], [
    ['pixel_values.value', 'embeddings.pixels'], ['embeddings.tokens', 'encoder.x'], ['encoder.y', 'pool.x'], ['pool.pooled', 'post_layernorm.x'],
    ['post_layernorm.y', 'visual_projection.x'], ['visual_projection.y', 'image_embeds.value'], ['encoder.y', 'last_hidden_state.value'],
  ]);
}

/** Optimum's names for the symbolic sizes ModalFlow writes as B and T. */
const DIM_NAMES: Record<string, string> = { B: 'batch_size', T: 'sequence_length' };

/**
 * Compiles a tower into one ONNX model and gives its inputs and outputs the names an export
 * has: the compiler names boundary values `<node>.<port>` (`input_ids.value`,
 * `text_projection.y`), an export names them after the input and output (`input_ids`,
 * `text_embeds`). Graph input and output node ids are those names, so each maps to its id.
 */
export function compileTower(tower: GraphDoc): Uint8Array {
  const { plan, models } = compileGraph(tower, registry, { granularity: 'whole' });
  if (plan.stages.length !== 1 || plan.stages[0]!.kind !== 'onnx') throw new Error(`${tower.meta.title}: expected one ONNX stage`);
  const stage = plan.stages[0]!;
  const bytes = models[stage.model]!;
  const rename = new Map<string, string>();
  for (const b of stage.inputs) rename.set(b.name, plan.inputs.find((i) => i.tensor === b.tensor)!.name);
  for (const b of stage.outputs) {
    // An ONNX value has one name, so a tensor read by two output nodes could not take both.
    const outs = plan.outputs.filter((o) => o.tensor === b.tensor);
    if (outs.length !== 1) throw new Error(`${tower.meta.title}: tensor ${b.tensor} feeds ${outs.length} outputs`);
    rename.set(b.name, outs[0]!.name);
  }
  const { graph, options } = readModel(bytes);
  renameValues(graph, rename);
  // Exports list the embeddings first; keep the tower's output order.
  const order = tower.nodes.filter((n) => n.type === 'output.tensor').map((n) => n.id);
  graph.outputs.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return encodeModel(graph, options);
}

function renameValues(g: OnnxGraph, rename: Map<string, string>): void {
  const to = (n: string) => rename.get(n) ?? n;
  const dims = (shape: (string | number | null)[] | undefined) => shape?.map((d) => (typeof d === 'string' ? (DIM_NAMES[d] ?? d) : d));
  for (const v of g.inputs) {
    v.name = to(v.name);
    v.shape = dims(v.shape);
  }
  for (const v of g.outputs) {
    v.name = to(v.name);
    v.shape = dims(v.shape);
  }
  for (const n of g.nodes) {
    n.inputs = n.inputs.map(to);
    n.outputs = n.outputs.map(to);
  }
}

/** Writes the folder into `dir` (a new temporary folder when omitted). */
export function buildClipFolder(options: ClipFolderOptions = {}, dir?: string): ClipFolder {
  const embed = options.embed ?? 16;
  const width = options.width ?? 32;
  const layers = options.layers ?? 1;
  const seed = options.seed ?? 11;
  const tok = clipBpeFixture(options.words ?? CLIP_FOLDER_WORDS, 77);
  const vocab = Math.max(tok.vocabSize, options.vocab ?? 0);
  const textWidth = options.textWidth ?? width;
  const heads = options.heads ?? { text: 2, vision: 2 };
  const mlp = options.mlpRatio ?? 2;
  const text = (s: number) => compileTower(textTowerGraph(vocab, textWidth, embed, s, layers, heads.text, mlp));
  const vision = (s: number) => compileTower(visionTowerGraph(width, embed, s, layers, heads.vision, mlp));
  const files: Record<string, Uint8Array> = {
    'onnx/text_model.onnx': text(seed),
    'onnx/vision_model.onnx': vision(seed),
    'tokenizer.json': tok.files['tokenizer.json'],
    'tokenizer_config.json': tok.files['tokenizer_config.json'],
    'preprocessor_config.json': new TextEncoder().encode(JSON.stringify(CLIP_PREPROCESSOR_CONFIG, null, 2)),
  };
  for (const variant of options.variants ?? []) {
    for (const tower of ['text_model', 'vision_model']) files[`onnx/${tower}_${variant}.onnx`] = variantOf(files[`onnx/${tower}.onnx`]!, variant);
  }
  const root = dir ?? mkdtempSync(path.join(tmpdir(), 'modalflow-clip-'));
  for (const [rel, bytes] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  return { dir: root, embed, vocabSize: tok.vocabSize, files, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The int8 or float16 form of a tower, from its float32 file. */
export function variantOf(bytes: Uint8Array, variant: string): Uint8Array {
  const { graph, options } = readModel(bytes);
  if (variant === 'quantized' || variant === 'int8') quantizeInt8(graph);
  else if (variant === 'fp16') toFloat16(graph);
  else throw new Error(`no variant "${variant}": quantized, int8 or fp16`);
  return encodeModel(graph, options);
}

/** Asset lookup for a graph whose asset URIs are paths of the folder's layout. */
export function folderAssets(doc: GraphDoc, folder: ClipFolder, variant?: string): AssetLookup {
  return (name) => {
    const uri = doc.assets?.[name]?.uri;
    if (uri === undefined) return undefined;
    const file = variant ? uri.replace(/^onnx\/(.+)\.onnx$/, `onnx/$1_${variant}.onnx`) : uri;
    const bytes = folder.files[file];
    return bytes ? { name, uri: file, bytes } : undefined;
  };
}

/** An 8-bit RGB PNG of `pixels` (uint8 [H, W, 3]), so tests can hand the CLI a real image file. */
export function encodePng(pixels: Uint8Array, height: number, width: number): Uint8Array {
  const png = new PNG({ width, height });
  for (let k = 0; k < width * height; k++) {
    png.data.set(pixels.subarray(k * 3, k * 3 + 3), k * 4);
    png.data[k * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/** A deterministic picture, different for every seed: uint8 [1, H, W, 3]. */
export function testImage(height: number, width: number, seed: number): Tensor {
  const data = new Uint8Array(height * width * 3);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const o = (y * width + x) * 3;
      // Smooth gradients plus noise, so resizing has structure to keep.
      data[o] = Math.min(255, (x * 255) / width + (s >>> 28));
      data[o + 1] = Math.min(255, (y * 255) / height + ((s >>> 24) & 15));
      data[o + 2] = ((x + y) * seed * 7) & 255;
    }
  }
  return { dtype: 'uint8', dims: [1, height, width, 3], data };
}
