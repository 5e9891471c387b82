import {
  COLOURS, POSITIONS, SHAPES, SIZES,
  type Colour, type Position, type Shape, type Size,
} from './vocabulary.ts';

export type WorldTask = 'caption' | 'vqa' | 'regions';
export type QuestionKind = 'colour' | 'shape' | 'position' | 'exists' | 'count' | 'size';
export type Background = 'plain' | 'varied';
export type Split = 'train' | 'test' | 'heldout';

/** A (colour, shape) pair, such as purple circle. */
export interface Combo {
  colour: Colour;
  shape: Shape;
}

export interface WorldOptions {
  seed?: number;
  count?: number;
  /** Image side in pixels (images are square). */
  size?: number;
  task?: WorldTask;
  colours?: readonly Colour[];
  shapes?: readonly Shape[];
  positions?: readonly Position[];
  sizes?: readonly Size[];
  minObjects?: number;
  maxObjects?: number;
  /** Pairs never drawn, asked about or mentioned in the train and test splits. */
  heldOut?: readonly Combo[];
  /** Share of examples that show a held-out pair (0 when heldOut is empty). */
  heldOutFraction?: number;
  /** Share of the remaining examples kept back for testing on seen pairs. */
  testFraction?: number;
  /** Largest per-channel pixel noise, in 0..255 units. */
  noise?: number;
  background?: Background;
  questions?: readonly QuestionKind[];
  /** Region slots per image (objects plus padding) for the regions task. */
  numRegions?: number;
  featureDim?: number;
  /** Largest noise added to region features, in 1/1024 units. */
  featureNoise?: number;
  /** Put a whole-image region first, as ViLBERT does. */
  globalRegion?: boolean;
}

export type ResolvedWorldOptions = Required<WorldOptions>;

export const QUESTION_KINDS: readonly QuestionKind[] = ['colour', 'shape', 'position', 'exists', 'count', 'size'];
export const TASKS: readonly WorldTask[] = ['caption', 'vqa', 'regions'];

export const DEFAULT_OPTIONS: ResolvedWorldOptions = {
  seed: 0,
  count: 256,
  size: 32,
  task: 'caption',
  colours: COLOURS,
  shapes: ['square', 'circle', 'triangle', 'cross'],
  positions: POSITIONS,
  sizes: ['big'],
  minObjects: 1,
  maxObjects: 1,
  heldOut: [],
  heldOutFraction: 0.2,
  testFraction: 0.1,
  noise: 6,
  background: 'varied',
  questions: QUESTION_KINDS,
  numRegions: 4,
  featureDim: 16,
  featureNoise: 32,
  globalRegion: false,
};

/** Fills in defaults and rejects worlds that cannot be drawn, naming the offending option. */
export function resolveOptions(options: WorldOptions = {}): ResolvedWorldOptions {
  const o: ResolvedWorldOptions = { ...DEFAULT_OPTIONS };
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_OPTIONS)) throw new RangeError(`unknown world option "${key}"`);
    if (given[key] !== undefined) (o as unknown as Record<string, unknown>)[key] = given[key];
  }
  integer('seed', o.seed, 0, 0xffffffff);
  integer('count', o.count, 0, 1_000_000);
  // Below 15 pixels a grid cell is under 5 pixels wide and small shapes lose their outline.
  integer('size', o.size, 15, 1024);
  integer('minObjects', o.minObjects, 1, 3);
  integer('maxObjects', o.maxObjects, o.minObjects, 3);
  integer('noise', o.noise, 0, 64);
  integer('numRegions', o.numRegions, 1, 256);
  integer('featureDim', o.featureDim, 1, 65536);
  integer('featureNoise', o.featureNoise, 0, 1024);
  fraction('heldOutFraction', o.heldOutFraction);
  fraction('testFraction', o.testFraction);
  if (!TASKS.includes(o.task)) throw new RangeError(`task must be one of ${TASKS.join(', ')}, got "${o.task}"`);
  if (o.background !== 'plain' && o.background !== 'varied') {
    throw new RangeError(`background must be plain or varied, got "${o.background}"`);
  }
  members('colours', o.colours, COLOURS);
  members('shapes', o.shapes, SHAPES);
  members('positions', o.positions, POSITIONS);
  members('sizes', o.sizes, SIZES);
  members('questions', o.questions, QUESTION_KINDS);
  if (o.positions.length < o.maxObjects) {
    throw new RangeError(`maxObjects ${o.maxObjects} needs as many positions, got ${o.positions.length}`);
  }
  const needed = o.maxObjects + (o.globalRegion ? 1 : 0);
  if (o.task === 'regions' && o.numRegions < needed) {
    throw new RangeError(`numRegions ${o.numRegions} cannot hold ${needed} regions`);
  }
  for (const c of o.heldOut) {
    if (!o.colours.includes(c.colour) || !o.shapes.includes(c.shape)) {
      throw new RangeError(`held-out pair ${c.colour} ${c.shape} uses a colour or shape the world does not draw`);
    }
  }
  if (seenCombos(o).length === 0) throw new RangeError('every colour-shape pair is held out: nothing left to train on');
  return o;
}

/** Pairs the train and test splits may show. */
export function seenCombos(o: ResolvedWorldOptions): Combo[] {
  const out: Combo[] = [];
  for (const colour of o.colours) {
    for (const shape of o.shapes) if (!isHeldOut(o, colour, shape)) out.push({ colour, shape });
  }
  return out;
}

export function isHeldOut(o: Pick<ResolvedWorldOptions, 'heldOut'>, colour: Colour, shape: Shape): boolean {
  return o.heldOut.some((c) => c.colour === colour && c.shape === shape);
}

function integer(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be a whole number in ${min}..${max}, got ${v}`);
  }
}

function fraction(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${v}`);
}

function members<T extends string>(name: string, values: readonly T[], allowed: readonly string[]): void {
  if (values.length === 0) throw new RangeError(`${name} must not be empty`);
  for (const v of values) {
    if (!allowed.includes(v)) throw new RangeError(`${name}: "${v}" is not one of ${allowed.join(', ')}`);
  }
  if (new Set(values).size !== values.length) throw new RangeError(`${name} lists a value twice`);
}
