import { makeTensor, type Tensor } from '@modalflow/core';
import type { ResolvedWorldOptions } from './options.ts';
import { WorldRng } from './random.ts';
import type { Scene, WorldObject } from './scene.ts';
import { COLOURS, SHAPES, SIZES } from './vocabulary.ts';

/**
 * What a detector would report for each object, without a detector. Slot layout of the
 * attribute code (16 slots, the width of the tiny region examples):
 *   0-5 colour one-hot, 6-10 shape one-hot, 11-12 size one-hot, 13 centre x, 14 centre y, 15 area.
 * Slots beyond featureDim wrap around and add onto earlier ones; slots past 15 carry only noise.
 * Every value is a multiple of 1/1024, exact in float32 and short in JSON.
 */
export const FEATURE_SLOTS = 16;
const SHAPE_SLOT = COLOURS.length;
const SIZE_SLOT = SHAPE_SLOT + SHAPES.length;
const GEOMETRY_SLOT = SIZE_SLOT + SIZES.length;

/** PyTorch's cross-entropy ignore_index, which the region-label losses skip. */
export const IGNORED = -100n;

export interface Regions {
  /** float32 [N, F] */
  features: Tensor;
  /** float32 [N, 4]: x1, y1, x2, y2 as fractions of the image side */
  boxes: Tensor;
  /** int64 [N]: 1 for a real region, 0 for padding */
  mask: Tensor;
  /** int64 [N]: each region's shape id in SHAPES, -100 (the ignored label) for padding and the whole image */
  shapes: Tensor;
  /** int64 [N]: each region's colour id in COLOURS, -100 for padding and the whole image */
  colours: Tensor;
  /** How many of the N slots hold regions. */
  count: number;
}

/** The attribute code of one object in 1/1024 units, before noise and wrapping. */
export function attributeCode(obj: WorldObject, size: number): Int32Array {
  const code = new Int32Array(FEATURE_SLOTS);
  code[COLOURS.indexOf(obj.colour)] = 1024;
  code[SHAPE_SLOT + SHAPES.indexOf(obj.shape)] = 1024;
  code[SIZE_SLOT + SIZES.indexOf(obj.size)] = 1024;
  const { x1, y1, x2, y2 } = obj.box;
  code[GEOMETRY_SLOT] = Math.round((512 * (x1 + x2)) / size);
  code[GEOMETRY_SLOT + 1] = Math.round((512 * (y1 + y2)) / size);
  code[GEOMETRY_SLOT + 2] = Math.round((1024 * (x2 - x1) * (y2 - y1)) / (size * size));
  return code;
}

export function sceneRegions(o: ResolvedWorldOptions, scene: Scene, index: number): Regions {
  const n = o.numRegions;
  const f = o.featureDim;
  const rng = new WorldRng(o.seed, index, 'features');
  const units = new Int32Array(n * f);
  const boxes = new Float32Array(n * 4);
  const mask = new BigInt64Array(n);
  const shapes = new BigInt64Array(n).fill(IGNORED);
  const colours = new BigInt64Array(n).fill(IGNORED);
  let slot = o.globalRegion ? 1 : 0;
  for (const obj of scene.objects) {
    const code = attributeCode(obj, o.size);
    for (let k = 0; k < FEATURE_SLOTS; k++) units[slot * f + (k % f)]! += code[k]!;
    for (let k = 0; k < f; k++) units[slot * f + k]! += rng.symmetric(o.featureNoise);
    const { x1, y1, x2, y2 } = obj.box;
    boxes.set([x1 / o.size, y1 / o.size, x2 / o.size, y2 / o.size], slot * 4);
    mask[slot] = 1n;
    shapes[slot] = BigInt(SHAPES.indexOf(obj.shape));
    colours[slot] = BigInt(COLOURS.indexOf(obj.colour));
    slot++;
  }
  if (o.globalRegion) {
    // ViLBERT's whole-image region: the mean of the object regions, box over the full image.
    const objects = scene.objects.length;
    for (let k = 0; k < f; k++) {
      let sum = 0;
      for (let s = 1; s <= objects; s++) sum += units[s * f + k]!;
      units[k] = Math.round(sum / objects);
    }
    boxes.set([0, 0, 1, 1], 0);
    mask[0] = 1n;
  }
  const features = new Float32Array(n * f);
  for (let i = 0; i < units.length; i++) features[i] = units[i]! / 1024;
  return {
    features: makeTensor('float32', [n, f], features),
    boxes: makeTensor('float32', [n, 4], boxes),
    mask: makeTensor('int64', [n], mask),
    shapes: makeTensor('int64', [n], shapes),
    colours: makeTensor('int64', [n], colours),
    count: slot,
  };
}
