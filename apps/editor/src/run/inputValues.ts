import { ModalflowError, numel, type DType, type Problem, type Tensor } from '@modalflow/core';
import type { GraphInput } from './graphInputs.ts';

/** A picture chosen for an image input, already decoded to RGB. */
export interface ImageItem {
  name: string;
  width: number;
  height: number;
  /** RGB bytes, row by row: uint8 [H, W, 3]. */
  pixels: Uint8Array;
  /** Where to draw it from (a bundled sample's URL or an object URL of the user's file). */
  url: string;
  /** Set when the picture was resized to match the first one of its batch. */
  resizedFrom?: { width: number; height: number };
}

export type InputValue =
  | { kind: 'image'; images: ImageItem[] }
  | { kind: 'text'; text: string }
  | { kind: 'tensor'; mode: 'random' | 'zeros'; seed: number }
  | { kind: 'tensor'; mode: 'file'; file: string; tensor: Tensor };

export interface Sizes {
  /** Size of every symbolic dimension of the inputs. */
  sizes: Record<string, number>;
  /** The input whose data fixed a size; sizes missing here were chosen in the panel or defaulted. */
  fixedBy: Record<string, string>;
  problems: Problem[];
}

const isSymbol = (d: unknown): d is string => typeof d === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d);

/** The strings a text input feeds: a label list goes whole (the split node cuts it), other text one line per example. */
export function textStrings(input: GraphInput, text: string): string[] {
  if (input.labels) return text.trim() ? [text.trim()] : [];
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The dims a value's data fixes, or null when the value is generated to fit the shape. */
export function dataDims(input: GraphInput, value: InputValue | undefined): number[] | null {
  if (!value) return null;
  if (value.kind === 'image') {
    const first = value.images[0];
    return first ? [value.images.length, first.height, first.width, 3] : null;
  }
  if (value.kind === 'text') return [textStrings(input, value.text).length];
  if (value.mode === 'file') return value.tensor.dims;
  return null;
}

/** Batch-like symbols (the first axis of some input) default to 1, a video's frame axis to one clip's frames, other sizes to 8. */
export function defaultSize(symbol: string, inputs: readonly GraphInput[]): number {
  const frames = inputs.find((i) => i.kind === 'video' && i.shape[0] === symbol)?.media?.frames;
  if (frames) return frames;
  return inputs.some((i) => i.shape[0] === symbol) ? 1 : 8;
}

/**
 * A video input's pictures are whole clips one after another; a frame count that is not a
 * multiple of the clip length would only fail deep inside the temporal stage, so it is named here.
 */
function clipProblems(inputs: readonly GraphInput[], sizes: Readonly<Record<string, number>>): Problem[] {
  const problems: Problem[] = [];
  for (const input of inputs) {
    const frames = input.kind === 'video' ? input.media?.frames : undefined;
    const d = input.shape[0];
    const n = typeof d === 'number' ? d : d === undefined ? undefined : sizes[d];
    if (!frames || n === undefined || n % frames === 0) continue;
    const fix = typeof d === 'string' ? `set size "${d}" to a multiple of ${frames}` : `give it a multiple of ${frames} pictures`;
    problems.push({ code: 'MF_INPUT_SHAPE', message: `input "${input.name}" holds ${n} picture${n === 1 ? '' : 's'}, not a whole number of ${frames}-frame clips: ${fix}, or choose a video file`, at: { node: input.node } });
  }
  return problems;
}

/**
 * Sizes of the symbolic dims: images, texts and files fix the sizes they carry (one symbol, one
 * size, across all inputs, as the engine requires); the rest come from the panel or a default.
 */
export function resolveSizes(inputs: readonly GraphInput[], values: Readonly<Record<string, InputValue | undefined>>, chosen: Readonly<Record<string, number>>): Sizes {
  const sizes: Record<string, number> = {};
  const fixedBy: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const input of inputs) {
    const dims = dataDims(input, values[input.name]);
    if (!dims) continue;
    if (dims.length !== input.shape.length) {
      problems.push({ code: 'MF_INPUT_SHAPE', message: `input "${input.name}" needs rank ${input.shape.length} [${input.shape.join(', ')}], the value has dims [${dims.join(', ')}]`, at: { node: input.node } });
      continue;
    }
    input.shape.forEach((d, i) => {
      const got = dims[i]!;
      if (typeof d === 'number') {
        if (d !== got) problems.push({ code: 'MF_INPUT_SHAPE', message: `input "${input.name}" dimension ${i} must be ${d}, the value has ${got}`, at: { node: input.node } });
        return;
      }
      if (!isSymbol(d)) return;
      const seen = fixedBy[d];
      if (seen !== undefined && sizes[d] !== got) {
        problems.push({ code: 'MF_INPUT_SHAPE', message: `size "${d}" is ${sizes[d]} in input "${seen}" but ${got} in input "${input.name}"`, at: { node: input.node } });
      } else if (seen === undefined) {
        sizes[d] = got;
        fixedBy[d] = input.name;
      }
    });
  }
  for (const input of inputs) {
    for (const d of input.shape) {
      if (isSymbol(d) && sizes[d] === undefined) sizes[d] = chosen[d] ?? defaultSize(d, inputs);
    }
  }
  problems.push(...clipProblems(inputs, sizes));
  return { sizes, fixedBy, problems };
}

/** Every symbolic size the inputs use, in order of first appearance. */
export function inputSymbols(inputs: readonly GraphInput[]): string[] {
  const out: string[] = [];
  for (const i of inputs) for (const d of i.shape) if (isSymbol(d) && !out.includes(d)) out.push(d);
  return out;
}

/** mulberry32: a tiny seeded generator, so a "random" input stays the same between runs and the engine's cache can hit. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nameSeed(name: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A generated value for an input: floats uniform in [0, 1), integers and booleans 0 or 1 (valid
 * as masks and as two-class targets), bytes 0..255; region boxes are valid corners in a
 * 640×480 picture.
 */
export function generatedTensor(input: GraphInput, dims: number[], mode: 'random' | 'zeros', seed: number): Tensor {
  const n = numel(dims);
  const dtype = input.dtype;
  if (dtype === 'string') return { dtype, dims, data: new Array<string>(n).fill('') };
  const rand = generator(nameSeed(input.name, seed));
  const next = mode === 'zeros' ? () => 0 : rand;
  if (input.kind === 'regions' && input.port === 'boxes' && dims.at(-1) === 4) {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i += 4) {
      const [x1, x2] = [next() * 640, next() * 640].sort((a, b) => a - b) as [number, number];
      const [y1, y2] = [next() * 480, next() * 480].sort((a, b) => a - b) as [number, number];
      data.set([x1, y1, x2, y2], i);
    }
    return { dtype, dims, data };
  }
  return { dtype, dims, data: fill(dtype, n, next) };
}

function fill(dtype: Exclude<DType, 'string'>, n: number, next: () => number): Tensor['data'] {
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, next);
    case 'float64':
      return Float64Array.from({ length: n }, next);
    case 'float16':
      // Half-precision bits of a value in [0, 1): exponent 14 with a random mantissa is [0.5, 1).
      return Uint16Array.from({ length: n }, () => (next() === 0 ? 0 : 0x3800 | Math.floor(next() * 1024)));
    case 'int64':
      return BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 2)));
    case 'int32':
      return Int32Array.from({ length: n }, () => Math.floor(next() * 2));
    case 'int8':
      return Int8Array.from({ length: n }, () => Math.floor(next() * 2));
    case 'bool':
      return Uint8Array.from({ length: n }, () => Math.floor(next() * 2));
    case 'uint8':
      return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
  }
}

/** Packs a batch of same-sized pictures into uint8 [N, H, W, 3]. */
export function imageTensor(images: readonly ImageItem[]): Tensor {
  const { width, height } = images[0]!;
  const size = width * height * 3;
  const data = new Uint8Array(size * images.length);
  images.forEach((img, i) => data.set(img.pixels.subarray(0, size), i * size));
  return { dtype: 'uint8', dims: [images.length, height, width, 3], data };
}

export interface BuiltInputs {
  tensors: Record<string, Tensor>;
  sizes: Sizes;
}

/**
 * The tensors to feed, made fresh on every call: a run moves its feeds to the runtime's worker,
 * so handing the same arrays to two runs would find them gone.
 */
export function buildInputs(inputs: readonly GraphInput[], values: Readonly<Record<string, InputValue | undefined>>, chosen: Readonly<Record<string, number>>): BuiltInputs {
  const sizes = resolveSizes(inputs, values, chosen);
  const problems = [...sizes.problems];
  const tensors: Record<string, Tensor> = {};
  for (const input of inputs) {
    const value = values[input.name];
    const at = { node: input.node };
    if (!value) {
      problems.push({ code: 'MF_INPUT_MISSING', message: `give a value for input "${input.name}"`, at });
      continue;
    }
    if (value.kind === 'image') {
      if (!value.images.length) problems.push({ code: 'MF_INPUT_MISSING', message: `choose a picture for input "${input.name}"`, at });
      else tensors[input.name] = imageTensor(value.images);
    } else if (value.kind === 'text') {
      const strings = textStrings(input, value.text);
      if (!strings.length) problems.push({ code: 'MF_INPUT_MISSING', message: `type some text for input "${input.name}"`, at });
      else tensors[input.name] = { dtype: 'string', dims: [strings.length], data: strings };
    } else if (value.mode === 'file') {
      const t = value.tensor;
      tensors[input.name] = { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() as Tensor['data'] };
    } else {
      const dims = input.shape.map((d) => (typeof d === 'number' ? d : sizes.sizes[d]));
      if (dims.some((d) => d === undefined)) {
        problems.push({ code: 'MF_INPUT_SHAPE', message: `input "${input.name}" has a size that cannot be chosen here: [${input.shape.join(', ')}]`, at });
        continue;
      }
      tensors[input.name] = generatedTensor(input, dims as number[], value.mode, value.seed);
    }
  }
  if (problems.length) throw ModalflowError.fromProblems(problems);
  return { tensors, sizes };
}
