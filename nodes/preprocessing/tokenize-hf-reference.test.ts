import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModalflowError, type AssetData, type Tensor } from '@modalflow/core';
import { tokenizerFixtures } from '../testing/tokenizer-fixtures.ts';
import tokenize from './tokenize-hf.ts';

// Made by testing/make-token-fixtures.ts with Hugging Face's Rust tokenizers.
type Outcome = number[] | { error: string };
type Case = { text: string; plain: Outcome; special: Outcome; cut: Outcome };
const FIXTURES = JSON.parse(readFileSync(new URL('./fixtures/tokens.json', import.meta.url), 'utf8')) as {
  cut: number;
  tokenizers: Record<string, { pad: string; cases: Case[] }>;
};

const TOKENIZERS = tokenizerFixtures();
const bytes = new Map(Object.entries(TOKENIZERS).map(([name, json]) => [name, new TextEncoder().encode(JSON.stringify(json))]));

async function run(name: string, rows: string[], over: Record<string, unknown>): Promise<number[][]> {
  const asset = (n: string): AssetData | undefined => (n === name ? { name, uri: `${name}/tokenizer.json`, bytes: bytes.get(name)! } : undefined);
  const params = { tokenizer: name, config: '', max_length: 1 << 20, padding: 'longest', truncation: false, add_special_tokens: false, pad_token: FIXTURES.tokenizers[name]!.pad, ...over };
  const text: Tensor = { dtype: 'string', dims: [rows.length], data: rows };
  const out = await tokenize.host!({ text }, { node: 'tok', params: params as never, asset });
  const t = out['ids']!.dims[1]!;
  const ids = Array.from(out['ids']!.data as BigInt64Array, Number);
  const mask = Array.from(out['attention_mask']!.data as BigInt64Array, Number);
  // Rows padded to the longest are compared without their padding.
  const keep = (v: number, k: number) => over['padding'] === 'max_length' || mask[k] === 1;
  return rows.map((_, b) => ids.slice(b * t, (b + 1) * t).filter((v, k) => keep(v, b * t + k)));
}

/** Same ids as the crate, or, where the crate fails, a coded error naming the row. */
async function expectOutcome(name: string, c: Case, want: Outcome, over: Record<string, unknown>) {
  const got = run(name, ['a', c.text], over);
  if (Array.isArray(want)) {
    expect((await got)[1]).toEqual(want);
  } else {
    await expect(got).rejects.toBeInstanceOf(ModalflowError);
    await expect(got).rejects.toMatchObject({ code: 'MF_TOKENIZE', at: { node: 'tok', param: 'tokenizer' }, message: expect.stringContaining('MF_TOKENIZE: text 1: ') });
  }
}

describe('text.tokenize gives the ids of Hugging Face tokenizers on tricky texts', () => {
  for (const [name, { cases }] of Object.entries(FIXTURES.tokenizers)) {
    describe(name, () => {
      it.each(cases.map((c) => [JSON.stringify(c.text).slice(0, 40), c] as const))('%s', async (_, c) => {
        await expectOutcome(name, c, c.plain, {});
        await expectOutcome(name, c, c.special, { add_special_tokens: true });
        await expectOutcome(name, c, c.cut, { add_special_tokens: true, truncation: true, padding: 'max_length', max_length: FIXTURES.cut });
      });
    });
  }

  it('covers every fixture tokenizer and both kinds of outcome', () => {
    expect(Object.keys(FIXTURES.tokenizers).sort()).toEqual(Object.keys(TOKENIZERS).sort());
    const all = Object.values(FIXTURES.tokenizers).flatMap((t) => t.cases);
    expect(all.some((c) => !Array.isArray(c.plain))).toBe(true);
    expect(all.filter((c) => Array.isArray(c.plain)).length).toBeGreaterThan(all.length / 2);
  });
});

describe('text.tokenize on words outside the vocabulary', () => {
  it('maps them to the unknown token of a word-level vocabulary', async () => {
    // 0 is <unk>; <s> = 2, </s> = 3, "a" = 4.
    expect(await run('word-level', ['a zebra', '😀 émoji'], { add_special_tokens: true })).toEqual([[2, 4, 0, 3], [2, 0, 12, 3]]);
  });

  it('names the word and the row when the tokenizer has no unknown token', async () => {
    await expect(run('word-level-no-unk', ['a cat', 'a zebra'], {})).rejects.toMatchObject({
      code: 'MF_TOKENIZE',
      message: expect.stringContaining('text 1: "zebra" is not in the vocabulary and its unk_token "<missing>" is not in the vocabulary either'),
    });
    await expect(run('unigram-no-unk', ['z'], {})).rejects.toMatchObject({ message: expect.stringContaining('the character "z" of "▁z" has no piece and the tokenizer has no unk_id') });
  });
});
