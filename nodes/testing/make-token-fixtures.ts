/**
 * Writes preprocessing/fixtures/tokens.json: what Hugging Face's Rust `tokenizers` crate (its
 * Node bindings, the `tokenizers` npm package) gives for each fixture tokenizer of
 * tokenizer-fixtures.ts on texts that trip tokenizers up. Re-run after changing either list:
 *
 *     cd nodes && npx tsx testing/make-token-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tokenizerFixtures } from './tokenizer-fixtures.ts';

interface RsEncoding { getIds(): number[] }
interface RsTokenizer {
  encode(text: string, pair: null, options: { addSpecialTokens: boolean }): Promise<RsEncoding>;
  setTruncation(maxLength: number): void;
  setPadding(options: { maxLength: number; padId: number; padToken: string }): void;
}
const { Tokenizer } = createRequire(import.meta.url)('tokenizers') as { Tokenizer: { fromString(json: string): RsTokenizer } };

const TRICKY_TEXTS = [
  'a photo of a cat', 'zebra', 'a zebra', '😀 émoji', 'a photo of a 😀 émoji', '', ' ', '   \t\n ',
  'cafe\u0301', 'e\u0301\u0301\u0301', 'שלום עולם', 'مرحبا بالعالم', '\u202Ea cat\u202C', 'a\u0000b', '\u0000', 'a\u0007cat\u001b[0m',
  'a\u200Bcat', '\uFEFFa cat', 'cat🐱dog', '👨‍👩‍👧 family', 'ａ ｃａｔ', 'CAT,dog.', 'The DOG is playing?', '[MASK] dog', '<s> a cat </s>',
  '<|endoftext|> a', 'x'.repeat(150), 'dog '.repeat(40), '猫と犬', 'ℌ𝔢𝔩𝔩𝔬', 'a\r\ncat',
];

/** Row length for the truncated-and-padded encodings; short, so most texts are cut. */
const CUT = 8;

/** The token each fixture pads with. */
const PAD: Record<string, string> = {
  'word-level': '<pad>', wordpiece: '[PAD]', 'bpe-clip': '<|endoftext|>', 'bpe-chars': '<pad>', 'bpe-chars-fused': '<pad>', unigram: '<pad>', 'unigram-split': '<pad>',
  'word-level-no-unk': '<pad>', 'wordpiece-no-unk': '[PAD]', 'bpe-chars-no-unk': '<pad>', 'unigram-no-unk': '<pad>',
};

type Outcome = number[] | { error: string };

async function outcome(run: () => Promise<RsEncoding>): Promise<Outcome> {
  try {
    return (await run()).getIds();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function main(): Promise<void> {
  const out: Record<string, { pad: string; cases: { text: string; plain: Outcome; special: Outcome; cut: Outcome }[] }> = {};
  for (const [name, json] of Object.entries(tokenizerFixtures())) {
    const plain = Tokenizer.fromString(JSON.stringify(json));
    const cut = Tokenizer.fromString(JSON.stringify(json));
    const vocab = (json['model'] as { vocab: Record<string, number> | [string, number][] }).vocab;
    const padId = Array.isArray(vocab) ? vocab.findIndex(([t]) => t === PAD[name]) : vocab[PAD[name]!]!;
    cut.setTruncation(CUT);
    cut.setPadding({ maxLength: CUT, padId, padToken: PAD[name]! });
    out[name] = { pad: PAD[name]!, cases: [] };
    for (const text of TRICKY_TEXTS) {
      out[name]!.cases.push({
        text,
        plain: await outcome(() => plain.encode(text, null, { addSpecialTokens: false })),
        special: await outcome(() => plain.encode(text, null, { addSpecialTokens: true })),
        cut: await outcome(() => cut.encode(text, null, { addSpecialTokens: true })),
      });
    }
  }
  const file = new URL('../preprocessing/fixtures/tokens.json', import.meta.url);
  // One case per line, so a change in the crate or the lists shows as a readable diff.
  const blocks = Object.entries(out).map(([name, t]) =>
    `  ${JSON.stringify(name)}: {"pad": ${JSON.stringify(t.pad)}, "cases": [\n${t.cases.map((c) => `    ${JSON.stringify(c)}`).join(',\n')}\n  ]}`);
  writeFileSync(file, `{"cut": ${CUT}, "tokenizers": {\n${blocks.join(',\n')}\n}}\n`);
  console.log(`wrote ${file.pathname}`);
}

await main();
