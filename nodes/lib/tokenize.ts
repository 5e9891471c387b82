/**
 * Word-level tokenizing in pure TypeScript (it runs in the engine on Node and in browsers).
 * The splitting follows BERT's BasicTokenizer (google-research/bert tokenization.py, also
 * transformers' BasicTokenizer): clean control characters, put spaces around CJK ideographs,
 * split on whitespace, optionally lowercase and strip accents, then split every punctuation
 * character off as its own token.
 */

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const PUNCT = /\p{P}/u;
const CONTROL = /[\p{Cc}\p{Cf}]/u;
const SPACE = /\p{Zs}/u;
const MARK = /\p{Mn}/u;

/** BERT counts all non-alphanumeric ASCII as punctuation ($, +, ^ ... are Unicode symbols). */
export function isPunctuation(ch: string): boolean {
  return ASCII_PUNCT.test(ch) || PUNCT.test(ch);
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Splits text into words and punctuation marks, as BERT's BasicTokenizer. */
export function basicTokenize(text: string, lowercase: boolean): string[] {
  let cleaned = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd) continue;
    if (ch === '\t' || ch === '\n' || ch === '\r' || SPACE.test(ch)) cleaned += ' ';
    else if (CONTROL.test(ch)) continue;
    else if (isCjk(cp)) cleaned += ` ${ch} `;
    else cleaned += ch;
  }
  const out: string[] = [];
  for (let word of cleaned.split(' ')) {
    if (word === '') continue;
    if (lowercase) {
      word = [...word.toLowerCase().normalize('NFD')].filter((c) => !MARK.test(c)).join('');
    }
    let current = '';
    for (const ch of word) {
      if (isPunctuation(ch)) {
        if (current) out.push(current);
        out.push(ch);
        current = '';
      } else {
        current += ch;
      }
    }
    if (current) out.push(current);
  }
  return out;
}

export interface WordEncoding {
  vocabulary: readonly string[];
  lowercase: boolean;
  maxLength: number;
  addSpecialTokens: boolean;
  /** Token put first (BERT [CLS], CLIP <|startoftext|>); '' for none. */
  clsToken: string;
  /** Token put last (BERT [SEP], CLIP <|endoftext|>); '' for none. */
  sepToken: string;
  padToken: string;
  unkToken: string;
}

// Vocabularies can hold tens of thousands of words; the engine hands a step the same params
// object on every run, so the lookup table is built once per vocabulary array.
const lookups = new WeakMap<readonly string[], Map<string, number>>();

export function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  let map = lookups.get(vocabulary);
  if (!map) {
    map = new Map();
    vocabulary.forEach((w, i) => {
      if (!map!.has(w)) map!.set(w, i);
    });
    lookups.set(vocabulary, map);
  }
  return map;
}

/** Problems with a tokenizer configuration, by the param at fault; empty when it is usable. */
export function checkWordEncoding(e: WordEncoding): { param: string; message: string }[] {
  const problems: { param: string; message: string }[] = [];
  const seen = new Map<string, number>();
  e.vocabulary.forEach((w, i) => {
    if (w === '') problems.push({ param: 'vocabulary', message: `vocabulary entry ${i} is empty` });
    const first = seen.get(w);
    if (first !== undefined) {
      problems.push({ param: 'vocabulary', message: `vocabulary has "${w}" twice (ids ${first} and ${i}); each word needs one id` });
    } else seen.set(w, i);
  });
  const need = (param: string, token: string, required: boolean) => {
    if (token === '') {
      if (required) problems.push({ param, message: `${param} must name a vocabulary entry` });
      return;
    }
    if (!seen.has(token)) problems.push({ param, message: `${param} "${token}" is not in the vocabulary` });
  };
  need('pad_token', e.padToken, true);
  need('unk_token', e.unkToken, true);
  if (e.addSpecialTokens) {
    need('cls_token', e.clsToken, false);
    need('sep_token', e.sepToken, false);
  }
  const specials = specialCount(e);
  if (e.maxLength <= specials) {
    problems.push({ param: 'max_length', message: `max_length ${e.maxLength} leaves no room for words after ${specials} special tokens` });
  }
  return problems;
}

function specialCount(e: WordEncoding): number {
  return e.addSpecialTokens ? (e.clsToken ? 1 : 0) + (e.sepToken ? 1 : 0) : 0;
}

/**
 * Vocabulary entries that are special tokens, written `[XXX]` or `<...>` (BERT's `[MASK]`,
 * CLIP's `<|endoftext|>`). BERT's tokenizer never splits or lowercases them when they occur in
 * the text (transformers: `never_split` and the added-tokens split), so typed text can hold a
 * `[MASK]`.
 */
const SPECIAL = /^(\[[^\s[\]]+\]|<[^\s<>]+>)$/;
const specialSplitters = new WeakMap<readonly string[], RegExp | null>();

function specialSplitter(vocabulary: readonly string[]): RegExp | null {
  if (specialSplitters.has(vocabulary)) return specialSplitters.get(vocabulary)!;
  const specials = vocabulary.filter((w) => SPECIAL.test(w)).sort((a, b) => b.length - a.length);
  const escaped = specials.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = specials.length ? new RegExp(`(${escaped.join('|')})`) : null;
  specialSplitters.set(vocabulary, re);
  return re;
}

/**
 * basicTokenize, except that the vocabulary's special tokens found verbatim (case-sensitive)
 * in the text stay whole tokens.
 */
export function tokenizeWithSpecials(text: string, lowercase: boolean, vocabulary: readonly string[]): string[] {
  const re = specialSplitter(vocabulary);
  if (!re) return basicTokenize(text, lowercase);
  // split() with a capturing group puts the matched tokens at the odd positions.
  return text.split(re).flatMap((part, k) => (k % 2 === 1 ? [part] : basicTokenize(part, lowercase)));
}

/**
 * Ids and attention mask of one text, exactly maxLength long: [cls] words [sep] then padding.
 * Words are truncated so the special tokens always fit; unknown words become unkToken.
 */
export function encodeWords(text: string, e: WordEncoding): { ids: number[]; mask: number[] } {
  const index = vocabularyIndex(e.vocabulary);
  const id = (token: string) => {
    const v = index.get(token);
    if (v === undefined) throw new Error(`special token "${token}" is not in the vocabulary`);
    return v;
  };
  const unk = id(e.unkToken);
  const room = e.maxLength - specialCount(e);
  const words = tokenizeWithSpecials(text, e.lowercase, e.vocabulary).slice(0, Math.max(room, 0));
  const ids = words.map((w) => index.get(w) ?? unk);
  if (e.addSpecialTokens && e.clsToken) ids.unshift(id(e.clsToken));
  if (e.addSpecialTokens && e.sepToken) ids.push(id(e.sepToken));
  const mask = ids.map(() => 1);
  const pad = id(e.padToken);
  while (ids.length < e.maxLength) {
    ids.push(pad);
    mask.push(0);
  }
  return { ids, mask };
}
