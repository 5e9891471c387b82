/**
 * BERT's normalizer as the Rust `tokenizers` crate writes it, where @huggingface/tokenizers
 * departs from it: the library looks for CJK ideographs one UTF-16 unit at a time, so the
 * astral ones (CJK Extension B and later, common in names) never get spaces around them
 * (tokenizers/src/normalizers/bert.rs: is_chinese_char).
 */
import { BertNormalizer, SequenceNormalizer, type Tokenizer } from '@huggingface/tokenizers';

// The crate's ranges, 0x2B920 included (it reads 0x2B920 where BERT's Python has 0x2B820).
function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

type BertInternals = { tokenize_chinese_chars(text: string): string };

function patch(n: unknown): void {
  if (n instanceof SequenceNormalizer) {
    for (const inner of (n as unknown as { normalizers: unknown[] }).normalizers) patch(inner);
    return;
  }
  if (!(n instanceof BertNormalizer)) return;
  const bert = n as unknown as BertInternals;
  bert.tokenize_chinese_chars = (text) => {
    let out = '';
    for (const ch of text) out += isChineseChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
    return out;
  };
}

/** Makes the tokenizer's BERT normalizer follow the crate. */
export function followCrateOnNormalizing(tokenizer: Tokenizer): void {
  patch((tokenizer as unknown as { normalizer: unknown }).normalizer);
}
