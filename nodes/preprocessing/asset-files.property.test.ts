import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModalflowError, type AssetData, type Tensor } from '@modalflow/core';
import { clipBpeFixture } from '../testing/bpe-fixture.ts';
import { tokenizerFixtures } from '../testing/tokenizer-fixtures.ts';
import clipImage from './clip-image.ts';
import tokenize from './tokenize-hf.ts';

type Json = unknown;

/** Every path into a JSON value, so a mutation can land anywhere, deep in a vocabulary too. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.slice(0, 40).forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') Object.entries(v).slice(0, 40).forEach(([k, x]) => paths(x, [...at, k], out));
  return out;
}

const JUNK: Json[] = [null, true, 0, -1, 1.5, 1e9, -1e300, 2 ** 53, '', 'x', '__proto__', 'constructor', '[', [], [1, 2], ['a', 'b'], {}, { type: 'nope' }, { a: 1 }];

/** Deletes or replaces one value somewhere in a copy of `v`. */
const mutation = fc.tuple(fc.nat(), fc.constantFrom<Json | 'delete'>('delete', ...JUNK));
function mutate(v: Json, [pick, value]: [number, Json | 'delete']): Json {
  const copy = structuredClone(v);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[pick % all.length]!;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}
const mutated = (v: Json) => fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce(mutate, v));
const bytes = (v: Json) => new TextEncoder().encode(JSON.stringify(v));
const lookup = (files: Record<string, Uint8Array>) => (name: string): AssetData | undefined => (files[name] ? { name, uri: `${name}.json`, bytes: files[name] } : undefined);

/** A result, or a ModalflowError counted by code; anything else fails the property. */
async function outcome(run: () => unknown, tally: Record<string, number>): Promise<void> {
  let key = 'result';
  try {
    await run();
  } catch (e) {
    if (!(e instanceof ModalflowError)) throw e;
    key = e.code;
  }
  tally[key] = (tally[key] ?? 0) + 1;
}

const TEXTS: Tensor = { dtype: 'string', dims: [3], data: ['a photo of a cat', 'zebra 😀', ''] };

describe('damaged tokenizer.json and tokenizer_config.json: tokens or a coded error naming the file', () => {
  const clip = clipBpeFixture();
  const sources = { ...tokenizerFixtures(), 'clip-with-config': clip.tokenizer };

  it('through text.tokenize', async () => {
    const tally: Record<string, number> = {};
    const arb = fc.tuple(fc.constantFrom(...Object.values(sources)).chain(mutated), fc.option(mutated(clip.config), { nil: undefined }), fc.constantFrom(0, 8), fc.constantFrom('max_length', 'longest'));
    await fc.assert(
      fc.asyncProperty(arb, async ([tok, config, maxLength, padding]) => {
        const files: Record<string, Uint8Array> = { tok: bytes(tok), ...(config === undefined ? {} : { cfg: bytes(config) }) };
        const params = { tokenizer: 'tok', config: config === undefined ? '' : 'cfg', max_length: maxLength, padding, truncation: true, add_special_tokens: true, pad_token: '' };
        await outcome(async () => {
          try {
            tokenize.ports!({ node: 'tok', params: params as never, asset: lookup(files) } as never);
          } catch (e) {
            // What analysis reports on the node; the host step must then refuse too.
            expect((e as { code?: string }).code ?? 'MF_PARAM_RANGE').toMatch(/^MF_/);
          }
          return tokenize.host!({ text: TEXTS }, { node: 'tok', params: params as never, asset: lookup(files) });
        }, tally);
      }),
      { numRuns: 1500, seed: 20261204 },
    );
    console.log(`text.tokenize, 1500 damaged tokenizer files: ${JSON.stringify(tally)}`);
    expect(Object.keys(tally).every((k) => k === 'result' || k.startsWith('MF_'))).toBe(true);
    expect(tally['MF_ASSET_INVALID']).toBeGreaterThan(0);
  });
});

describe('damaged preprocessor_config.json: pixels or a coded error naming the file and field', () => {
  const CONFIG = {
    crop_size: { height: 8, width: 8 }, do_center_crop: true, do_normalize: true, do_rescale: true, do_resize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
    resample: 3, rescale_factor: 0.00392156862745098, size: { shortest_edge: 8 },
  };
  const image: Tensor = { dtype: 'uint8', dims: [1, 10, 13, 3], data: Uint8Array.from({ length: 390 }, (_, i) => (i * 37) & 255) };
  const params = { config: 'pre', size: 224, resample: 'bicubic', crop: 224, rescale: 1 / 255, mean: '0.5', std: '0.5' };

  it('through preprocess.clip_image', async () => {
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(mutated(CONFIG), async (config) => {
        await outcome(() => clipImage.host!({ image }, { node: 'pre', params: params as never, asset: lookup({ pre: bytes(config) }) }), tally);
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    console.log(`preprocess.clip_image, 1000 damaged preprocessor configs: ${JSON.stringify(tally)}`);
    expect(Object.keys(tally).every((k) => k === 'result' || k.startsWith('MF_'))).toBe(true);
    expect(tally['MF_ASSET_INVALID']).toBeGreaterThan(0);
  });

  it('says which field is wrong and applies nothing of a file it refuses', async () => {
    const run = (config: Json) => (async () => clipImage.host!({ image }, { node: 'pre', params: params as never, asset: lookup({ pre: bytes(config) }) }))();
    await expect(run({ ...CONFIG, size: { shortest_edge: 1e9 } })).rejects.toMatchObject({ code: 'MF_ASSET_INVALID', at: { node: 'pre', param: 'config' }, message: expect.stringContaining('"size" {"shortest_edge":1000000000}') });
    await expect(run({ ...CONFIG, resample: 'constructor' })).rejects.toMatchObject({ message: expect.stringContaining('"resample" "constructor"; expected a PIL filter code 0-5') });
    await expect(run({ ...CONFIG, image_std: [1, 0, 1] })).rejects.toMatchObject({ message: expect.stringContaining('"image_std" [1,0,1]') });
  });
});
