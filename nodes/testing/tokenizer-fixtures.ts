/**
 * Small tokenizer.json files, one per model kind of the Hugging Face `tokenizers` crate
 * (WordLevel, WordPiece, BPE, Unigram), written as the crate serialises them, for tests that
 * compare token ids with the crate itself. Each has a variant without an unknown token.
 */
import { clipBpeFixture } from './bpe-fixture.ts';

const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const index = (words: readonly string[]) => Object.fromEntries(words.map((t, i) => [t, i]));

const BERT_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'dog', 'is', 'play', '##ing', '##s', '?', 'un', '##aff', '##able', 'cafe', '.', 'a', 'e', '##e'];

/** BERT-shaped WordPiece: lowercasing and accent-stripping normalizer, [CLS] A [SEP]. */
export function bertWordPiece(unk = '[UNK]'): Record<string, unknown> {
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => special(i, t)).filter((t) => t.content !== '[UNK]' || unk === '[UNK]'),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece', unk_token: unk, continuing_subword_prefix: '##', max_input_chars_per_word: 100,
      vocab: index(unk === '[UNK]' ? BERT_VOCAB : BERT_VOCAB.map((t) => (t === '[UNK]' ? '[unused0]' : t))),
    },
  };
}

const WORDS = ['<unk>', '<pad>', '<s>', '</s>', 'a', 'photo', 'of', 'cat', 'dog', 'car', ',', '.', 'émoji', 'שלום'];

/** A word-level vocabulary split on whitespace and punctuation, with <s> A </s>. */
export function wordLevel(unk: string | null = '<unk>'): Record<string, unknown> {
  const vocab = unk === '<unk>' ? WORDS : WORDS.slice(1);
  const model: Record<string, unknown> = { type: 'WordLevel', vocab: index(vocab) };
  if (unk !== null) model['unk_token'] = unk;
  const ids = index(vocab);
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: ['<pad>', '<s>', '</s>'].map((t) => special(ids[t]!, t)),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [ids['<s>']], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [ids['</s>']], tokens: ['</s>'] } },
    },
    decoder: null,
    model,
  };
}

const PIECES: [string, number][] = [
  ['<unk>', 0], ['<pad>', 0], ['</s>', 0], ['▁', -2], ['▁a', -3], ['▁photo', -4], ['▁of', -4], ['▁cat', -4], ['▁dog', -4],
  ['a', -5], ['c', -5], ['t', -5], ['o', -5], ['d', -5], ['g', -5], ['ph', -6], ['s', -5], ['▁the', -4], ['e', -5],
];

/** SentencePiece-shaped Unigram (as T5's): Metaspace pre-tokenizer, A </s>. */
export function unigram(unkId: number | null = 0): Record<string, unknown> {
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<pad>'), special(2, '</s>')].filter((t) => unkId !== null || t.id !== 0),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: { '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: unkId, vocab: PIECES, byte_fallback: false },
  };
}

/** CLIP's byte-level BPE (bpe-fixture.ts); byte-level, so no text is unknown to it. */
export function clipBpe(): Record<string, unknown> {
  return clipBpeFixture().tokenizer;
}

/**
 * BPE without byte-level mapping (as GPT-1's or a hand-trained one): characters outside the
 * alphabet go to the unknown token, consecutive ones fused into one when fuse_unk is set.
 */
export function charBpe(unk: string | null = '<unk>', fuseUnk = false): Record<string, unknown> {
  const alphabet = ['<unk>', '<pad>', 'a', 'c', 't', 'o', 'd', 'g', 'h', 'p', 'f', 'ca', 'cat', 'do', 'dog', 'ph', 'pho', 'phot', 'photo', 'of'];
  const merges = ['c a', 'ca t', 'd o', 'do g', 'p h', 'ph o', 'pho t', 'phot o', 'o f'];
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(1, '<pad>')],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: {
      type: 'BPE', dropout: null, unk_token: unk, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: fuseUnk, byte_fallback: false, ignore_merges: false, vocab: index(alphabet), merges,
    },
  };
}

/** Every fixture by name: the ones with an unknown token, then the ones without. */
export function tokenizerFixtures(): Record<string, Record<string, unknown>> {
  return {
    'word-level': wordLevel(),
    wordpiece: bertWordPiece(),
    'bpe-clip': clipBpe(),
    'bpe-chars': charBpe(),
    'bpe-chars-fused': charBpe('<unk>', true),
    unigram: unigram(),
    // Words split at spaces, without the ▁ marker: unknown characters of neighbouring words meet.
    'unigram-split': { ...unigram(), pre_tokenizer: { type: 'WhitespaceSplit' }, decoder: null },
    'word-level-no-unk': wordLevel('<missing>'),
    'wordpiece-no-unk': bertWordPiece('[MISSING]'),
    'bpe-chars-no-unk': charBpe(null),
    'unigram-no-unk': unigram(null),
  };
}
