import { unzipSync } from 'fflate';
import { readNpy, type Location, type Tensor } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { lines } from './lines.ts';
import type { Column, Row } from './rows.ts';

/** Region features of one image: boxes are [x1, y1, x2, y2] in pixels, as the detectors write them. */
export interface RegionFeatures {
  image_id: string;
  num_boxes: number;
  /** [num_boxes, dim], row-major. */
  features: Float32Array;
  dim: number;
  /** [num_boxes, 4] */
  boxes: Float32Array;
  image_h?: number;
  image_w?: number;
}

export const REGION_COLUMNS: Column[] = [
  { name: 'image_id', kind: 'id', description: 'image id' },
  { name: 'features', kind: 'features', description: 'pooled region features', dims: ['N', 'D'] },
  { name: 'boxes', kind: 'boxes', description: 'region boxes x1, y1, x2, y2 in pixels', dims: ['N', 4] },
  { name: 'num_boxes', kind: 'number', description: 'N' },
  { name: 'image_h', kind: 'number', description: 'image height in pixels' },
  { name: 'image_w', kind: 'number', description: 'image width in pixels' },
];

export function regionRow(r: RegionFeatures): Row {
  return { image_id: r.image_id, features: r.features, boxes: r.boxes, num_boxes: r.num_boxes, image_h: r.image_h ?? null, image_w: r.image_w ?? null };
}

function floats(t: Tensor, what: string, at: Location): Float32Array {
  if (t.dtype !== 'float32') throw dataError(DATA_CODES.featureShape, `${what} must be float (found ${t.dtype})`, at);
  return t.data as Float32Array;
}

function scalar(t: Tensor | undefined): number | undefined {
  if (!t || t.dtype === 'string' || t.dims.length > 1 || (t.dims.length === 1 && t.dims[0] !== 1)) return undefined;
  const v = (t.data as ArrayLike<number | bigint>)[0];
  return v === undefined ? undefined : Number(v);
}

function checked(r: RegionFeatures, at: Location, expectDim?: number): RegionFeatures {
  if (r.features.length !== r.num_boxes * r.dim) {
    throw dataError(DATA_CODES.featureShape, `features hold ${r.features.length} values, not ${r.num_boxes} boxes × ${r.dim}`, at);
  }
  if (r.boxes.length !== r.num_boxes * 4) {
    throw dataError(DATA_CODES.featureShape, `boxes hold ${r.boxes.length} values, not ${r.num_boxes} boxes × 4`, at);
  }
  if (expectDim !== undefined && r.dim !== expectDim) {
    throw dataError(DATA_CODES.featureShape, `features are ${r.dim} wide, the graph expects ${expectDim}`, at);
  }
  return r;
}

function fromTensors(imageId: string, feats: Tensor, boxes: Tensor | undefined, extra: Record<string, Tensor>, at: Location, expectDim?: number): RegionFeatures {
  if (feats.dims.length !== 2) throw dataError(DATA_CODES.featureShape, `features must be [N, D], found [${feats.dims.join(', ')}]`, at);
  const [n, dim] = feats.dims as [number, number];
  if (boxes && (boxes.dims.length !== 2 || boxes.dims[0] !== n || boxes.dims[1] !== 4)) {
    throw dataError(DATA_CODES.featureShape, `boxes must be [${n}, 4] to match the features, found [${boxes.dims.join(', ')}]`, at);
  }
  const declared = scalar(extra['num_bbox'] ?? extra['num_boxes']);
  if (declared !== undefined && declared !== n) throw dataError(DATA_CODES.featureShape, `num_bbox says ${declared} boxes, the features have ${n}`, at);
  const h = scalar(extra['image_h']);
  const w = scalar(extra['image_w']);
  return checked(
    {
      image_id: imageId,
      num_boxes: n,
      dim,
      features: floats(feats, 'features', at),
      boxes: boxes ? floats(boxes, 'boxes', at) : new Float32Array(n * 4),
      ...(h !== undefined ? { image_h: h } : {}),
      ...(w !== undefined ? { image_w: w } : {}),
    },
    at,
    expectDim,
  );
}

/**
 * One image's features from a `.npz` archive as bottom-up-attention.pytorch's extractor writes
 * it (`x` [N, D], `bbox` [N, 4], `num_bbox`, `image_h`, `image_w`), also accepting the names
 * `features` and `boxes`. `np.savez_compressed` archives (deflate) are read as well.
 */
export function readRegionNpz(bytes: Uint8Array, file: string, imageId: string, expectDim?: number): RegionFeatures {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw dataError(DATA_CODES.featureShape, `not a .npz (zip) archive: ${(e as Error).message}`, { file });
  }
  const arrays: Record<string, Tensor> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('.npy')) arrays[name.slice(0, -4)] = readNpy(data, `${file}/${name}`);
  }
  const feats = arrays['x'] ?? arrays['features'];
  if (!feats) throw dataError(DATA_CODES.featureShape, `no "x" or "features" array (found ${Object.keys(arrays).join(', ') || 'none'})`, { file });
  return fromTensors(imageId, feats, arrays['bbox'] ?? arrays['boxes'], arrays, { file }, expectDim);
}

/** One image's features from a `.npy` [N, D], with boxes from a sibling `<name>_boxes.npy` [N, 4] if there is one. */
export function readRegionNpy(features: Uint8Array, file: string, imageId: string, boxes?: Uint8Array, expectDim?: number): RegionFeatures {
  const f = readNpy(features, file);
  const b = boxes ? readNpy(boxes, file.replace(/\.npy$/, '_boxes.npy')) : undefined;
  return fromTensors(imageId, f, b, {}, { file }, expectDim);
}

function decodeBase64(text: string, at: Location, what: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    throw dataError(DATA_CODES.tsv, `${what} is not base64`, at);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function float32s(bytes: Uint8Array, at: Location, what: string): Float32Array {
  if (bytes.length % 4 !== 0) throw dataError(DATA_CODES.featureShape, `${what} has ${bytes.length} bytes, not whole float32 values`, at);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** LXMERT's and UNITER's TSV columns (Tan & Bansal 2019, src/utils.py FIELDNAMES). */
const LXMERT_FIELDS = ['img_id', 'img_h', 'img_w', 'objects_id', 'objects_conf', 'attrs_id', 'attrs_conf', 'num_boxes', 'boxes', 'features'];
/** The original bottom-up-attention TSV (Anderson et al. 2018, tools/generate_tsv.py): width before height. */
const BUTD_FIELDS = ['image_id', 'image_w', 'image_h', 'num_boxes', 'boxes', 'features'];

/**
 * Streams region features from a TSV of base64 float32 arrays, one image per line, in either
 * the LXMERT/UNITER layout (10 columns) or the original bottom-up-attention layout (6 columns).
 */
export async function* readRegionTsv(
  chunks: AsyncIterable<string> | Iterable<string>,
  file: string,
  expectDim?: number,
): AsyncGenerator<RegionFeatures & { line: number }> {
  for await (const { text, line } of lines(chunks)) {
    if (text.trim() === '') continue;
    const at = { file, line };
    const cells = text.split('\t');
    const fields = cells.length === LXMERT_FIELDS.length ? LXMERT_FIELDS : cells.length === BUTD_FIELDS.length ? BUTD_FIELDS : undefined;
    if (!fields) {
      throw dataError(DATA_CODES.tsv, `expected 10 columns (${LXMERT_FIELDS.join(', ')}) or 6 (${BUTD_FIELDS.join(', ')}), found ${cells.length} (truncated line?)`, at);
    }
    const get = (name: string) => cells[fields.indexOf(name)]!;
    const n = Number(get('num_boxes'));
    if (!Number.isSafeInteger(n) || n < 0) throw dataError(DATA_CODES.tsv, `num_boxes "${get('num_boxes')}" is not a count`, at);
    const features = float32s(decodeBase64(get('features'), at, 'features'), at, 'features');
    const boxes = float32s(decodeBase64(get('boxes'), at, 'boxes'), at, 'boxes');
    if (n === 0 || features.length % n !== 0) {
      throw dataError(DATA_CODES.featureShape, `features hold ${features.length} values, not a multiple of num_boxes ${n}`, at);
    }
    const h = Number(get(fields === LXMERT_FIELDS ? 'img_h' : 'image_h'));
    const w = Number(get(fields === LXMERT_FIELDS ? 'img_w' : 'image_w'));
    const r = checked(
      { image_id: get(fields[0]!), num_boxes: n, dim: features.length / n, features, boxes, ...(Number.isFinite(h) ? { image_h: h } : {}), ...(Number.isFinite(w) ? { image_w: w } : {}) },
      at,
      expectDim,
    );
    yield { ...r, line };
  }
}
