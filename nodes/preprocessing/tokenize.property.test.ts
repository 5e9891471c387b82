import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModalflowError, type AssetData, type Tensor } from '@modalflow/core';
import { tokenizerFixtures } from '../testing/tokenizer-fixtures.ts';
import tokenize from './tokenize-hf.ts';
import tokenizeWords from './tokenize-words.ts';

// Hugging Face's Rust tokenizers, the reference for every id.
interface RsTokenizer {
  encode(text: string, pair: null, o: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }>;
  setTruncation(maxLength: number): void;
}
const { Tokenizer } = createRequire(import.meta.url)('tokenizers') as { Tokenizer: { fromString(json: string): RsTokenizer } };

const FIXTURES = tokenizerFixtures();
const bytes = new Map(Object.entries(FIXTURES).map(([name, json]) => [name, new TextEncoder().encode(JSON.stringify(json))]));
const rust = new Map(Object.entries(FIXTURES).map(([name, json]) => [name, Tokenizer.fromString(JSON.stringify(json))]));

// Blocks assigned since Unicode 1 to 3 (Latin to Cyrillic, Hebrew, Arabic, punctuation, CJK,
// kana, Hangul, full-width forms): there the crate's Unicode tables and this runtime's agree,
// while newer blocks are unassigned, and so dropped, in the crate's older tables.
const STABLE = [[0x0000, 0x052f], [0x0590, 0x06ff], [0x2000, 0x206f], [0x3000, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xff00, 0xffef]] as const;
const stableChar = fc.constantFrom(...STABLE).chain(([lo, hi]) => fc.integer({ min: lo, max: hi })).map((c) => String.fromCodePoint(c));
const anyChar = fc.oneof(fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)));
// Pieces that trip tokenizers up, mixed with single characters.
const PIECES = [' ', '  ', '\t', '\n', '\r\n', '\u0000', '\u0007', '\u200b', '\u200d', '\ufeff', '\u00a0', '\u0085', '\u2028', '\u0301', '\u202e', 'é', 'e\u0301', 'a', 'A',
  'cat', 'dog', 'photo', 'of', 'zebra', '😀', '👨‍👩‍👧', 'שלום', 'مرحبا', '猫', '𠀀', 'ℌ', '𝔢', 'ａ', '[MASK]', '[CLS]', '<s>', '</s>', '<unk>', '<|endoftext|>', '##s', '▁', ',', '.', '?', '\ud800', '\udc00', '\ufffd'];
const textOf = (ch: fc.Arbitrary<string>) =>
  fc.array(fc.oneof(fc.constantFrom(...PIECES), ch), { maxLength: 14 }).map((p) => p.join(''));

async function ours(name: string, row: string): Promise<number[] | ModalflowError> {
  const asset = (n: string): AssetData | undefined => (n === name ? { name, uri: 'tokenizer.json', bytes: bytes.get(name)! } : undefined);
  const params = { tokenizer: name, config: '', max_length: 1 << 20, padding: 'longest', truncation: false, add_special_tokens: true, pad_token: '' };
  try {
    const out = await tokenize.host!({ text: { dtype: 'string', dims: [1], data: [row] } }, { node: 'tok', params: params as never, asset });
    return Array.from(out['ids']!.data as BigInt64Array, Number);
  } catch (e) {
    if (e instanceof ModalflowError) return e;
    throw e;
  }
}

type Tally = { same: number; 'coded error': number };

describe('text.tokenize on random Unicode: the ids of Hugging Face tokenizers, or a coded error where they fail', () => {
  it('agrees with the Rust crate on every fixture tokenizer', async () => {
    const paths: Record<string, Tally> = {};
    for (const name of Object.keys(FIXTURES)) {
      const tally: Tally = (paths[name] = { same: 0, 'coded error': 0 });
      await fc.assert(
        fc.asyncProperty(textOf(stableChar), async (row) => {
          let want: number[] | undefined;
          try {
            want = (await rust.get(name)!.encode(row, null, { addSpecialTokens: true })).getIds();
          } catch {
            want = undefined;
          }
          const got = await ours(name, row);
          if (want === undefined) {
            expect(got).toBeInstanceOf(ModalflowError);
            expect((got as ModalflowError).code).toBe('MF_TOKENIZE');
            tally['coded error']++;
          } else {
            // A row whose text gives no tokens at all is padded; its padding is not the crate's.
            expect(got instanceof ModalflowError ? got.message : got.slice(0, want.length)).toEqual(want);
            tally.same++;
          }
        }),
        { numRuns: 400, seed: 20261204 },
      );
    }
    console.log(`text.tokenize, 400 random texts per tokenizer, outcomes: ${JSON.stringify(paths)}`);
    const total = Object.values(paths).reduce((a, t) => a + t.same + t['coded error'], 0);
    expect(total).toBe(400 * Object.keys(FIXTURES).length);
    expect(Object.values(paths).some((t) => t['coded error'] > 0)).toBe(true);
  });

  it('gives ids or a coded error for any code points, lone surrogates and new scripts included', async () => {
    const paths: Record<string, { ids: number; [code: string]: number }> = {};
    for (const name of Object.keys(FIXTURES)) {
      const tally: { ids: number; [code: string]: number } = (paths[name] = { ids: 0 });
      await fc.assert(
        fc.asyncProperty(textOf(anyChar), async (row) => {
          const got = await ours(name, row);
          if (got instanceof ModalflowError) tally[got.code] = (tally[got.code] ?? 0) + 1;
          else {
            expect(got.every((id) => Number.isInteger(id) && id >= 0)).toBe(true);
            tally.ids++;
          }
        }),
        { numRuns: 300, seed: 20261205 },
      );
    }
    console.log(`text.tokenize, 300 texts of any code points per tokenizer, outcomes: ${JSON.stringify(paths)}`);
    expect(Object.values(paths).every((t) => Object.keys(t).every((k) => k === 'ids' || k === 'MF_TOKENIZE'))).toBe(true);
  });
});

describe('text.tokenize on very long texts', () => {
  it('truncates a word of 200,000 characters and long texts as the crate does', async () => {
    for (const row of ['a'.repeat(200_000), 'a cat, '.repeat(7_000), '😀'.repeat(25_000)]) {
      for (const name of Object.keys(FIXTURES)) {
        const rs = Tokenizer.fromString(JSON.stringify(FIXTURES[name]));
        rs.setTruncation(16);
        let want: number[] | undefined;
        try {
          want = (await rs.encode(row, null, { addSpecialTokens: true })).getIds();
        } catch {
          want = undefined;
        }
        const asset = (n: string): AssetData | undefined => (n === name ? { name, uri: 'tokenizer.json', bytes: bytes.get(name)! } : undefined);
        const params = { tokenizer: name, config: '', max_length: 16, padding: 'longest', truncation: true, add_special_tokens: true, pad_token: '' };
        const got = (async () => tokenize.host!({ text: { dtype: 'string', dims: [1], data: [row] } }, { node: 'tok', params: params as never, asset }))();
        if (want === undefined) await expect(got).rejects.toMatchObject({ code: 'MF_TOKENIZE' });
        else expect(Array.from((await got)['ids']!.data as BigInt64Array, Number).slice(0, want.length)).toEqual(want);
      }
    }
  });
});

describe('text.tokenize_words on random Unicode', () => {
  it('gives a full row of known ids for every text', async () => {
    const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'cat', 'dog', 'e', '?'];
    const params = { vocabulary, lowercase: true, max_length: 8, add_special_tokens: true, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' };
    let rows = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(textOf(anyChar), { minLength: 1, maxLength: 3 }), fc.boolean(), async (texts, lowercase) => {
        const input: Tensor = { dtype: 'string', dims: [texts.length], data: texts };
        const out = await tokenizeWords.host!({ text: input }, { node: 'words', params: { ...params, lowercase } as never, asset: () => undefined });
        const ids = Array.from(out['ids']!.data as BigInt64Array, Number);
        expect(ids).toHaveLength(texts.length * 8);
        expect(ids.every((id) => id >= 0 && id < vocabulary.length)).toBe(true);
        for (let b = 0; b < texts.length; b++) expect(ids[b * 8]).toBe(2);
        rows += texts.length;
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    console.log(`text.tokenize_words: ${rows} random rows, every one a full row of known ids`);
  });
});
