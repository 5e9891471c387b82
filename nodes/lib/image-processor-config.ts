import { AssetFileError, readJsonObject } from './asset-json.ts';
import { PIL_RESAMPLE_CODES, type PilFilter } from './pil-resample.ts';

/** What CLIPImageProcessor.preprocess does to an image, step by step; null skips a step. */
export interface ImageSteps {
  resize: { shortestEdge: number } | { height: number; width: number } | null;
  resample: PilFilter;
  crop: { height: number; width: number } | null;
  /** Multiplier applied before normalising (1/255). */
  rescale: number | null;
  /** Per channel (R, G, B). */
  normalize: { mean: number[]; std: number[] } | null;
}

/** The largest side a file may ask for, as the nodes' size and crop params allow. */
export const MAX_CONFIG_SIDE = 16384;
const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_CONFIG_SIDE;

function size(v: unknown, key: string, square: boolean): { shortestEdge: number } | { height: number; width: number } {
  // transformers' get_size_dict: CLIP reads a bare `size` as the shortest edge and a bare
  // `crop_size` as a square.
  if (positiveInt(v)) return square ? { height: v as number, width: v as number } : { shortestEdge: v as number };
  const o = (v ?? {}) as Record<string, unknown>;
  const keys = typeof v === 'object' && v !== null ? Object.keys(o).sort().join(',') : '';
  if (!square && keys === 'shortest_edge' && positiveInt(o['shortest_edge'])) return { shortestEdge: o['shortest_edge'] as number };
  if (keys === 'height,width' && positiveInt(o['height']) && positiveInt(o['width'])) return { height: o['height'] as number, width: o['width'] as number };
  const forms = `${square ? 'a number or {"height": h, "width": w}' : 'a number, {"shortest_edge": n} or {"height": h, "width": w}'}, of whole numbers from 1 to ${MAX_CONFIG_SIDE}`;
  throw new AssetFileError(`has "${key}" ${JSON.stringify(v)}; expected ${forms}`);
}

function channels(v: unknown, key: string, positive: boolean): number[] {
  const list = typeof v === 'number' ? [v, v, v] : Array.isArray(v) && v.length === 1 ? [v[0], v[0], v[0]] : v;
  if (!Array.isArray(list) || list.length !== 3 || !list.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) {
    throw new AssetFileError(`has "${key}" ${JSON.stringify(v)}; expected 1 or 3 ${positive ? 'positive ' : ''}numbers`);
  }
  return list as number[];
}

function flag(json: Record<string, unknown>, key: string): boolean | undefined {
  const v = json[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new AssetFileError(`has "${key}" ${JSON.stringify(v)}; expected true or false`);
  return v;
}

/**
 * Reads a preprocessor_config.json over `base` (the node's params): keys the file sets win,
 * keys it leaves out keep the param's value.
 */
export function applyPreprocessorConfig(bytes: Uint8Array, base: ImageSteps): ImageSteps {
  const json = readJsonObject(bytes);
  const s: ImageSteps = { ...base };
  const doResize = flag(json, 'do_resize');
  if (json['size'] !== undefined) s.resize = size(json['size'], 'size', false);
  if (doResize === false) s.resize = null;
  if (json['resample'] !== undefined) {
    const code = json['resample'];
    const f = typeof code === 'number' && Object.hasOwn(PIL_RESAMPLE_CODES, code) ? PIL_RESAMPLE_CODES[code] : undefined;
    if (!f) throw new AssetFileError(`has "resample" ${JSON.stringify(json['resample'])}; expected a PIL filter code 0-5`);
    s.resample = f;
  }
  const doCrop = flag(json, 'do_center_crop');
  if (json['crop_size'] !== undefined) s.crop = size(json['crop_size'], 'crop_size', true) as { height: number; width: number };
  if (doCrop === false) s.crop = null;
  const doRescale = flag(json, 'do_rescale');
  if (json['rescale_factor'] !== undefined) {
    const f = json['rescale_factor'];
    if (typeof f !== 'number' || !Number.isFinite(f)) throw new AssetFileError(`has "rescale_factor" ${JSON.stringify(f)}; expected a number`);
    s.rescale = f;
  }
  if (doRescale === false) s.rescale = null;
  const doNormalize = flag(json, 'do_normalize');
  if (json['image_mean'] !== undefined || json['image_std'] !== undefined) {
    const mean = json['image_mean'] === undefined ? base.normalize?.mean : channels(json['image_mean'], 'image_mean', false);
    const std = json['image_std'] === undefined ? base.normalize?.std : channels(json['image_std'], 'image_std', true);
    if (mean && std) s.normalize = { mean, std };
  }
  if (doNormalize === false) s.normalize = null;
  return s;
}

/** Output rows and columns of the resize step for an h x w image. */
export function resizedSize(s: ImageSteps, h: number, w: number): [number, number] {
  if (!s.resize) return [h, w];
  if ('height' in s.resize) return [s.resize.height, s.resize.width];
  // transformers get_resize_output_image_size: int(size * long / short), in float64.
  const edge = s.resize.shortestEdge;
  if (w <= h) return [Math.trunc((edge * h) / w), edge];
  return [edge, Math.trunc((edge * w) / h)];
}

/**
 * The value of each (channel, uint8 level) after rescale and normalise, computed in float32
 * as numpy does in transformers (x * factor in float64 then cast; (x - mean) / std in float32).
 */
export function levelTable(s: ImageSteps): Float32Array {
  const f = Math.fround;
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = s.normalize ? f(s.normalize.mean[c]!) : 0;
    const std = s.normalize ? f(s.normalize.std[c]!) : 1;
    for (let v = 0; v < 256; v++) {
      let x = s.rescale !== null ? f(v * s.rescale) : v;
      if (s.normalize) x = f(f(x - mean) / std);
      table[c * 256 + v] = x;
    }
  }
  return table;
}
