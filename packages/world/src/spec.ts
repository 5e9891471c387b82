import {
  DEFAULT_OPTIONS, QUESTION_KINDS, TASKS,
  type Combo, type QuestionKind, type WorldOptions, type WorldTask,
} from './options.ts';
import { COLOURS, POSITIONS, SHAPES, SIZES, type Colour, type Shape } from './vocabulary.ts';

/**
 * The text form of a world, for `--data world:shapes?count=512&seed=1&heldout=purple-circle`.
 * Lists are comma-separated; a held-out pair is colour-shape.
 */
export const WORLD_SCHEME = 'world:';
export const WORLD_NAMES = ['shapes'] as const;

type Reader = (value: string, o: WorldOptions) => void;

const READERS: Readonly<Record<string, Reader>> = {
  seed: (v, o) => { o.seed = whole('seed', v); },
  count: (v, o) => { o.count = whole('count', v); },
  size: (v, o) => { o.size = whole('size', v); },
  task: (v, o) => { o.task = oneOf('task', v, TASKS) as WorldTask; },
  colours: (v, o) => { o.colours = listOf('colours', v, COLOURS); },
  colors: (v, o) => { o.colours = listOf('colors', v, COLOURS); },
  shapes: (v, o) => { o.shapes = listOf('shapes', v, SHAPES); },
  positions: (v, o) => { o.positions = listOf('positions', v, POSITIONS); },
  sizes: (v, o) => { o.sizes = listOf('sizes', v, SIZES); },
  objects: (v, o) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(v);
    if (!m) throw new SyntaxError(`objects must be a number or a range such as 1-2, got "${v}"`);
    o.minObjects = Number(m[1]);
    o.maxObjects = Number(m[2] ?? m[1]);
  },
  heldout: (v, o) => { o.heldOut = v === '' ? [] : v.split(',').map(combo); },
  heldout_fraction: (v, o) => { o.heldOutFraction = number('heldout_fraction', v); },
  test_fraction: (v, o) => { o.testFraction = number('test_fraction', v); },
  noise: (v, o) => { o.noise = whole('noise', v); },
  background: (v, o) => { o.background = oneOf('background', v, ['plain', 'varied']) as 'plain' | 'varied'; },
  questions: (v, o) => { o.questions = listOf('questions', v, QUESTION_KINDS) as QuestionKind[]; },
  regions: (v, o) => { o.numRegions = whole('regions', v); },
  features: (v, o) => { o.featureDim = whole('features', v); },
  feature_noise: (v, o) => { o.featureNoise = whole('feature_noise', v); },
  global: (v, o) => { o.globalRegion = flag('global', v); },
};

/** Options from a spec string; defaults fill what it leaves out. Errors name the key. */
export function parseWorldSpec(spec: string): WorldOptions {
  if (!spec.startsWith(WORLD_SCHEME)) throw new SyntaxError(`a world spec starts with "${WORLD_SCHEME}", got "${spec}"`);
  const rest = spec.slice(WORLD_SCHEME.length);
  const q = rest.indexOf('?');
  const name = q < 0 ? rest : rest.slice(0, q);
  if (!(WORLD_NAMES as readonly string[]).includes(name)) {
    throw new SyntaxError(`unknown world "${name}" (known: ${WORLD_NAMES.join(', ')})`);
  }
  const options: WorldOptions = {};
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(q < 0 ? '' : rest.slice(q + 1))) {
    const read = READERS[key];
    if (!read) throw new SyntaxError(`unknown world setting "${key}" (known: ${Object.keys(READERS).join(', ')})`);
    if (seen.has(key)) throw new SyntaxError(`world setting "${key}" given twice`);
    seen.add(key);
    read(value.trim(), options);
  }
  return options;
}

/** The shortest spec that parses back to these options: settings equal to the defaults are left out. */
export function formatWorldSpec(options: WorldOptions): string {
  const o = { ...DEFAULT_OPTIONS, ...definedOnly(options) };
  const d = DEFAULT_OPTIONS;
  const parts: [string, string][] = [];
  const add = (key: string, value: string, fallback: string) => { if (value !== fallback) parts.push([key, value]); };
  add('count', String(o.count), String(d.count));
  add('seed', String(o.seed), String(d.seed));
  add('size', String(o.size), String(d.size));
  add('task', o.task, d.task);
  add('colours', o.colours.join(','), d.colours.join(','));
  add('shapes', o.shapes.join(','), d.shapes.join(','));
  add('positions', o.positions.join(','), d.positions.join(','));
  add('sizes', o.sizes.join(','), d.sizes.join(','));
  const objects = (min: number, max: number) => (min === max ? String(min) : `${min}-${max}`);
  add('objects', objects(o.minObjects, o.maxObjects), objects(d.minObjects, d.maxObjects));
  add('heldout', o.heldOut.map((c) => `${c.colour}-${c.shape}`).join(','), '');
  add('heldout_fraction', String(o.heldOutFraction), String(d.heldOutFraction));
  add('test_fraction', String(o.testFraction), String(d.testFraction));
  add('noise', String(o.noise), String(d.noise));
  add('background', o.background, d.background);
  add('questions', o.questions.join(','), d.questions.join(','));
  add('regions', String(o.numRegions), String(d.numRegions));
  add('features', String(o.featureDim), String(d.featureDim));
  add('feature_noise', String(o.featureNoise), String(d.featureNoise));
  add('global', o.globalRegion ? '1' : '0', d.globalRegion ? '1' : '0');
  // Commas and hyphens stay readable; URLSearchParams would escape the commas.
  const query = parts.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',')}`).join('&');
  return `${WORLD_SCHEME}shapes${query ? `?${query}` : ''}`;
}

function definedOnly(options: WorldOptions): WorldOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as WorldOptions;
}

function combo(text: string): Combo {
  const [colour, shape, extra] = text.trim().split('-');
  if (extra !== undefined || !colour || !shape) {
    throw new SyntaxError(`heldout: "${text}" is not a colour-shape pair such as purple-circle`);
  }
  return { colour: oneOf('heldout colour', colour, COLOURS) as Colour, shape: oneOf('heldout shape', shape, SHAPES) as Shape };
}

function whole(key: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new SyntaxError(`${key} must be a whole number, got "${v}"`);
  return Number(v);
}

function number(key: string, v: string): number {
  const n = Number(v);
  if (v === '' || !Number.isFinite(n)) throw new SyntaxError(`${key} must be a number, got "${v}"`);
  return n;
}

function flag(key: string, v: string): boolean {
  if (v === '1' || v === 'true' || v === '') return true;
  if (v === '0' || v === 'false') return false;
  throw new SyntaxError(`${key} must be 1, 0, true or false, got "${v}"`);
}

function oneOf(key: string, v: string, allowed: readonly string[]): string {
  if (!allowed.includes(v)) throw new SyntaxError(`${key}: "${v}" is not one of ${allowed.join(', ')}`);
  return v;
}

function listOf<T extends string>(key: string, v: string, allowed: readonly T[]): T[] {
  return v.split(',').map((item) => oneOf(key, item.trim(), allowed) as T);
}
