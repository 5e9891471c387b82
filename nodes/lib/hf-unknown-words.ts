/**
 * Unknown words the way the Rust `tokenizers` crate treats them. @huggingface/tokenizers
 * departs from it there: its WordLevel model ignores the file's unk_token (so an unknown word
 * gets no id at all), a WordPiece or BPE whose unk_token is not in the vocabulary yields an
 * id-less token, a Unigram without unk_id silently succeeds, and BPE's fuse_unk fuses unknown
 * pieces across words instead of within one. The crate instead:
 *   WordLevel  unknown word -> unk id; error if unk_token is not in the vocabulary
 *   WordPiece  unknown word (or one longer than max_input_chars_per_word) -> unk id; same error
 *   BPE        unknown character -> unk id (consecutive ones fused inside a word when fuse_unk);
 *              dropped when there is no unk_token; error if unk_token is not in the vocabulary
 *   Unigram    a character with no one-character piece -> unk id; error when unk_id is null
 * (tokenizers/src/models/{wordlevel,wordpiece,bpe/model,unigram/model}.rs)
 */
import type { Tokenizer } from '@huggingface/tokenizers';

/** A pre-token the model cannot encode because the tokenizer has no usable unknown token. */
export class UnknownWordError extends Error {
  constructor(readonly word: string, message: string) {
    super(message);
  }
}

interface ModelInternals {
  tokens_to_ids: Map<string, number>;
  unk_token?: string;
  unk_token_id?: number;
  fuse_unk: boolean;
  encode(tokens: string[]): string[];
}

/** Rust's WordLevel writes "<unk>" when a file leaves unk_token out. */
const WORD_LEVEL_DEFAULT_UNK = '<unk>';

/** Rewires the library's model so that unknown words follow the crate. `model` is tokenizer.json's. */
export function followCrateOnUnknownWords(tokenizer: Tokenizer, model: Record<string, unknown>): void {
  const m = (tokenizer as unknown as { model: ModelInternals }).model;
  const vocab = m.tokens_to_ids;
  const type = model['type'];
  const unk = typeof model['unk_token'] === 'string' ? model['unk_token'] : undefined;
  const missingUnk = (word: string, name: string | undefined) =>
    `"${word}" is not in the vocabulary and ${name === undefined ? 'the tokenizer has no unk_token' : `its unk_token "${name}" is not in the vocabulary either`}`;

  // Without a type the library guesses as the crate's untagged deserialiser does.
  const untaggedWordLevel = type === undefined && !Array.isArray(model['vocab']) && !('continuing_subword_prefix' in model && 'unk_token' in model);
  if (type === 'WordLevel' || untaggedWordLevel) {
    const name = unk ?? WORD_LEVEL_DEFAULT_UNK;
    m.unk_token = name;
    m.unk_token_id = vocab.get(name);
    m.fuse_unk = false;
    m.encode = (tokens) =>
      tokens.map((t) => {
        if (vocab.has(t)) return t;
        if (m.unk_token_id === undefined) throw new UnknownWordError(t, missingUnk(t, name));
        return name;
      });
    return;
  }

  if (Array.isArray(model['vocab'])) {
    // Unigram: the crate fails as soon as a character has no piece of its own, even when a
    // longer piece covers it, because it needs the unk id to build the lattice.
    const hasUnk = m.unk_token_id !== undefined && m.unk_token_id !== null;
    const unigram = m as ModelInternals & { tokenize(word: string): string[] };
    // The crate fuses consecutive unknown pieces within a word; the library, across words.
    const fuse = m.fuse_unk;
    m.fuse_unk = false;
    m.encode = (tokens) => {
      const out: string[] = [];
      for (const t of tokens) {
        if (!hasUnk) {
          for (const ch of t) if (!vocab.has(ch)) throw new UnknownWordError(t, `the character "${ch}" of "${t}" has no piece and the tokenizer has no unk_id`);
        }
        let previousUnk = false;
        // One push per piece: the library's push(...pieces) overflows the stack on a word of
        // a few hundred thousand characters, which the crate encodes.
        for (const piece of unigram.tokenize(t)) {
          // The library's lattice gives an unknown piece as its text, found in no vocabulary.
          const isUnk = piece === m.unk_token || !vocab.has(piece);
          if (!(isUnk && fuse && previousUnk)) out.push(piece);
          previousUnk = isUnk;
        }
      }
      return out;
    };
    return;
  }

  // WordPiece and BPE emit the unk_token string for what they cannot encode.
  const encode = m.encode.bind(m);
  const unkKnown = unk !== undefined && vocab.has(unk);
  const fuse = m.fuse_unk;
  m.fuse_unk = false;
  m.encode = (tokens) => {
    const out: string[] = [];
    for (const t of tokens) {
      const pieces = encode([t]);
      let previousUnk = false;
      for (const p of pieces) {
        const isUnk = unk !== undefined && p === unk;
        if (isUnk && !unkKnown) throw new UnknownWordError(t, missingUnk(t, unk));
        if (isUnk && fuse && previousUnk) continue;
        out.push(p);
        previousUnk = isUnk;
      }
    }
    return out;
  };
}
