/**
 * Word splitting as the Rust `tokenizers` crate does it, for the pre-tokenizers where
 * @huggingface/tokenizers uses JavaScript's ASCII-only `\w` or its `\s` (which counts U+FEFF
 * and not U+0085): the crate's regex `\w` is Unicode (letters, marks, digits, connector
 * punctuation, joiners) and its whitespace is the Unicode White_Space property. Without this,
 * "émoji" splits into "é" + "moji" and a byte-order mark vanishes instead of becoming a token.
 * (tokenizers/src/pre_tokenizers/{whitespace,bert}.rs)
 */
import { WhitespacePreTokenizer, WhitespaceSplitPreTokenizer, BertPreTokenizer, SequencePreTokenizer, type Tokenizer } from '@huggingface/tokenizers';

const W = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const S = '\\p{White_Space}';
// BERT's punctuation: every ASCII non-alphanumeric printable character, and Unicode P*.
const P = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';

const WHITESPACE = new RegExp(`[${W}]+|[^${W}${S}]+`, 'gu');
const WHITESPACE_SPLIT = new RegExp(`[^${S}]+`, 'gu');
const BERT = new RegExp(`[^${S}${P}]+|[${P}]`, 'gu');

type Splitter = { pre_tokenize_text(text: string, options?: unknown): string[] };

function patch(p: unknown): void {
  if (p instanceof SequencePreTokenizer) {
    for (const inner of (p as unknown as { tokenizers: unknown[] }).tokenizers) patch(inner);
    return;
  }
  const re = p instanceof WhitespacePreTokenizer ? WHITESPACE : p instanceof WhitespaceSplitPreTokenizer ? WHITESPACE_SPLIT : p instanceof BertPreTokenizer ? BERT : undefined;
  if (re) (p as Splitter).pre_tokenize_text = (text) => text.match(re) ?? [];
}

/** Makes the tokenizer's word splitting follow the crate. */
export function followCrateOnWordSplitting(tokenizer: Tokenizer): void {
  patch((tokenizer as unknown as { pre_tokenizer: unknown }).pre_tokenizer);
}
