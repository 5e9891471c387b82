/**
 * A tiny tokenizer with the shape of openai/clip-vit-base-patch32's files, for tests and small
 * model folders. The layout follows transformers' CLIPConverter (convert_slow_tokenizer.py)
 * and CLIP's own vocabulary order (openai/CLIP simple_tokenizer.py):
 *   ids 0..255     the 256 byte symbols of GPT-2's bytes_to_unicode, in its order ('!' = 0,
 *                  so 'a' = 64)
 *   ids 256..511   the same symbols with the end-of-word suffix '</w>' ('a</w>' = 320, as in CLIP)
 *   ids 512..      one token per merge, in merge order
 *   last two ids   <|startoftext|> and <|endoftext|> (49406 and 49407 in the real file)
 * Each word w = c_1..c_n (lowercase, after byte-level mapping) contributes the merges
 * "c_1 c_2", "c_1c_2 c_3", ..., "c_1..c_{n-1} c_n</w>", so it becomes one token ending in
 * '</w>'; anything else falls apart into smaller pieces, down to single byte symbols.
 */

/** GPT-2 / CLIP bytes_to_unicode: printable bytes stand for themselves, the rest move to U+0100... */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i]!)));
  return out;
}

/** The byte symbols in vocabulary order (bytes_to_unicode's values, in its insertion order). */
function byteSymbols(): string[] {
  const map = bytesToUnicode();
  const order: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) order.push(b);
  for (let b = 0xa1; b <= 0xac; b++) order.push(b);
  for (let b = 0xae; b <= 0xff; b++) order.push(b);
  for (let b = 0; b < 256; b++) if (!order.includes(b)) order.push(b);
  return order.map((b) => map[b]!);
}

export const CLIP_START = '<|startoftext|>';
export const CLIP_END = '<|endoftext|>';
export const DEFAULT_CLIP_WORDS = ['photo', 'of', 'cat', 'dog'];

export interface ClipBpeFixture {
  /** tokenizer.json as an object (JSON.stringify it, or use `files`). */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json as transformers writes it for CLIP. */
  config: Record<string, unknown>;
  vocabSize: number;
  startId: number;
  endId: number;
  /** File name -> bytes, ready to serve as assets or to write into a model folder. */
  files: { 'tokenizer.json': Uint8Array; 'tokenizer_config.json': Uint8Array };
}

export function clipBpeFixture(words: readonly string[] = DEFAULT_CLIP_WORDS, modelMaxLength = 77): ClipBpeFixture {
  const toUnicode = bytesToUnicode();
  const vocab: Record<string, number> = {};
  const symbols = byteSymbols();
  symbols.forEach((s, i) => (vocab[s] = i));
  symbols.forEach((s, i) => (vocab[`${s}</w>`] = 256 + i));
  let next = 512;
  const merges: string[] = [];
  for (const word of words) {
    const chars = Array.from(new TextEncoder().encode(word), (b) => toUnicode[b]!);
    if (chars.length === 0) continue;
    chars[chars.length - 1] += '</w>';
    let left = chars[0]!;
    for (const right of chars.slice(1)) {
      const merged = left + right;
      if (vocab[merged] === undefined) {
        merges.push(`${left} ${right}`);
        vocab[merged] = next++;
      }
      left = merged;
    }
  }
  const startId = next;
  const endId = next + 1;
  vocab[CLIP_START] = startId;
  vocab[CLIP_END] = endId;
  const added = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(startId, CLIP_START), added(endId, CLIP_END)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [CLIP_END, endId], cls: [CLIP_START, startId], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: CLIP_END, continuing_subword_prefix: '', end_of_word_suffix: '</w>',
      fuse_unk: false, byte_fallback: false, vocab, merges,
    },
  };
  const config = {
    add_prefix_space: false, bos_token: CLIP_START, eos_token: CLIP_END, pad_token: CLIP_END, unk_token: CLIP_END,
    clean_up_tokenization_spaces: true, do_lower_case: true, errors: 'replace', model_max_length: modelMaxLength,
    tokenizer_class: 'CLIPTokenizer',
  };
  const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  return {
    tokenizer, config, vocabSize: endId + 1, startId, endId,
    files: { 'tokenizer.json': bytes(tokenizer), 'tokenizer_config.json': bytes(config) },
  };
}
