import { isModalflowError, isKnown, type Tensor } from '@modalflow/core';
import { castTensor } from './cast.ts';
import { DataCodes, type DataCode } from './errors.ts';
import { ValueError, jsonToTensor, show } from './json-values.ts';
import type { Example, InputSpec, Loaders } from './spec.ts';

/** A problem with one cell, before the row's location is attached. */
export class CellError extends Error {
  constructor(
    readonly code: DataCode,
    message: string,
  ) {
    super(message);
  }
}

export function isTensor(v: unknown): v is Tensor {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && 'dtype' in v && 'dims' in v && 'data' in v
  );
}

const NPY = /\.npy$/i;

/** How a cell arrived: CSV cells are always text, JSON and in-memory cells keep their type. */
export type CellSource = 'csv' | 'json';

async function loadFile(path: string, loaders: Partial<Loaders>, what: 'image' | 'npy'): Promise<Tensor> {
  if (!loaders.readFile) throw new CellError(DataCodes.missingFile, `"${path}" is a file path, but no readFile was given to load it`);
  let bytes: Uint8Array;
  try {
    bytes = await loaders.readFile(path);
  } catch (e) {
    throw new CellError(DataCodes.missingFile, `cannot read "${path}": ${reason(e)}`);
  }
  const decode = what === 'image' ? loaders.decodeImage : loaders.decodeNpy;
  if (!decode) throw new CellError(DataCodes.badFile, `"${path}" needs ${what === 'image' ? 'decodeImage' : 'decodeNpy'}, which was not given`);
  try {
    return decode(bytes, path);
  } catch (e) {
    throw new CellError(DataCodes.badFile, `cannot decode "${path}": ${reason(e)}`);
  }
}

async function loadAudio(path: string, input: InputSpec, loaders: Partial<Loaders>): Promise<Tensor> {
  if (!loaders.readFile) throw new CellError(DataCodes.missingFile, `"${path}" is a file path, but no readFile was given to load it`);
  let bytes: Uint8Array;
  try {
    bytes = await loaders.readFile(path);
  } catch (e) {
    throw new CellError(DataCodes.missingFile, `cannot read "${path}": ${reason(e)}`);
  }
  try {
    return await loaders.decodeAudio!(bytes, path, input);
  } catch (e) {
    throw new CellError(DataCodes.badFile, `cannot decode "${path}": ${reason(e)}`);
  }
}

async function loadVideo(path: string, input: InputSpec, loaders: Partial<Loaders>): Promise<Tensor> {
  try {
    return await loaders.decodeVideo!(path, input);
  } catch (e) {
    throw new CellError(DataCodes.badFile, `cannot decode "${path}": ${reason(e)}`);
  }
}

/**
 * A video example is one clip, [F, H, W, 3]: the input's frame count and picture size. Batches
 * put clips one after another on the frame axis, as the video input does.
 */
function checkClipShape(t: Tensor, input: InputSpec, path?: string): Tensor {
  const frames = input.media?.frames;
  const picture = input.shape?.slice(1) ?? [];
  const want = [frames ?? t.dims[0], ...picture];
  const wrong = t.dims.length !== 4 || want.length !== 4 || want.some((d, i) => d !== undefined && isKnown(d) && d !== t.dims[i]);
  if (wrong) {
    const from = path === undefined ? 'the clip' : `"${path}"`;
    const shown = want.map((d) => (d !== undefined && isKnown(d) ? d : '?'));
    throw new CellError(DataCodes.shape, `${from} has shape [${t.dims.join(', ')}], but each clip of "${input.name}" is [${shown.join(', ')}] (frames, height, width, 3)`);
  }
  return t;
}

function reason(e: unknown): string {
  if (isModalflowError(e)) return `${e.code}: ${e.problems[0]?.message ?? e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Decoders return [1, H, W, 3] for one picture; an example is [H, W, 3]. */
function imageExample(t: Tensor, path?: string): Tensor {
  const dims = t.dims.length === 4 && t.dims[0] === 1 ? t.dims.slice(1) : t.dims;
  const from = path === undefined ? 'the image' : `"${path}"`;
  if (dims.length !== 3 || dims[2] !== 3) {
    throw new CellError(DataCodes.shape, `${from} has shape [${t.dims.join(', ')}], but an image example is [H, W, 3]`);
  }
  if (t.dtype !== 'uint8') throw new CellError(DataCodes.wrongType, `${from} is ${t.dtype}, but images are uint8 RGB`);
  return { dtype: 'uint8', dims, data: t.data };
}

function checkExampleShape(t: Tensor, input: InputSpec): Tensor {
  if (!input.shape || input.shape.length === 0) return t;
  const want = input.shape.slice(1);
  const wrong = want.length !== t.dims.length || want.some((d, i) => isKnown(d) && d !== t.dims[i]);
  if (wrong) {
    throw new CellError(
      DataCodes.shape,
      `the value has shape [${t.dims.join(', ')}], but each example of "${input.name}" is [${want.join(', ')}]`,
    );
  }
  return t;
}

function converted(value: unknown, input: InputSpec): Tensor {
  try {
    return isTensor(value) ? castTensor(value, input.dtype) : jsonToTensor(value, input.dtype);
  } catch (e) {
    if (e instanceof ValueError) throw new CellError(e.ragged ? DataCodes.ragged : DataCodes.wrongType, e.message);
    throw e;
  }
}

function parseCsvNumber(text: string, input: InputSpec): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CellError(DataCodes.wrongType, `${show(text)} is not a number, a JSON array or a .npy path (input "${input.name}" is ${input.dtype})`);
  }
}

/** Turns one manifest cell into the example value for `input`. */
export async function decodeCell(raw: unknown, input: InputSpec, loaders: Partial<Loaders>, source: CellSource): Promise<Example> {
  if (source === 'csv' && typeof raw === 'string' && raw.trim() === '' && input.kind !== 'text') {
    throw new CellError(DataCodes.emptyCell, `the cell is empty, but input "${input.name}" needs a value`);
  }
  switch (input.kind) {
    case 'text':
      if (typeof raw !== 'string') throw new CellError(DataCodes.wrongType, `${show(raw)} is not a string, but input "${input.name}" is text`);
      return raw;
    case 'image': {
      if (isTensor(raw)) return checkExampleShape(imageExample(raw), input);
      if (typeof raw !== 'string') {
        throw new CellError(DataCodes.wrongType, `${show(raw)} is not an image path, but input "${input.name}" is an image`);
      }
      const path = raw.trim();
      const t = await loadFile(path, loaders, NPY.test(path) ? 'npy' : 'image');
      return checkExampleShape(imageExample(t, path), input);
    }
    case 'audio':
      if (typeof raw === 'string' && !NPY.test(raw.trim()) && loaders.decodeAudio) return checkExampleShape(await loadAudio(raw.trim(), input, loaders), input);
    // falls through: a waveform as .npy or an array, like a tensor
    case 'tensor':
    case 'regions':
    case 'video': {
      if (input.kind === 'video' && typeof raw === 'string' && !NPY.test(raw.trim())) {
        if (!loaders.decodeVideo) throw new CellError(DataCodes.badFile, `"${raw.trim()}" is a video file, but no decodeVideo was given to read it`);
        return checkClipShape(await loadVideo(raw.trim(), input, loaders), input, raw.trim());
      }
      let t: Tensor;
      if (typeof raw === 'string' && NPY.test(raw.trim())) {
        const path = raw.trim();
        const loaded = await loadFile(path, loaders, 'npy');
        try {
          t = castTensor(loaded, input.dtype);
        } catch (e) {
          if (e instanceof ValueError) throw new CellError(DataCodes.wrongType, `"${path}": ${e.message}`);
          throw e;
        }
      } else if (typeof raw === 'string' && input.dtype === 'int64' && /^\s*-?\d+\s*$/.test(raw)) {
        // Ids beyond 2^53 arrive as digits (a CSV cell, a JSON string): a double would round them.
        t = converted(BigInt(raw.trim()), input);
      } else if (typeof raw === 'string') {
        if (source !== 'csv') {
          throw new CellError(DataCodes.wrongType, `${show(raw)} is text, but input "${input.name}" is ${input.dtype}; give a number, an array or a .npy path`);
        }
        t = converted(parseCsvNumber(raw.trim(), input), input);
      } else if (raw === null || raw === undefined || typeof raw === 'object' && !Array.isArray(raw) && !isTensor(raw)) {
        throw new CellError(DataCodes.wrongType, `${show(raw)} is not a number, an array or a .npy path (input "${input.name}" is ${input.dtype})`);
      } else {
        t = converted(raw, input);
      }
      return input.kind === 'video' ? checkClipShape(t, input, typeof raw === 'string' ? raw.trim() : undefined) : checkExampleShape(t, input);
    }
  }
}
