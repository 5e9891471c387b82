/**
 * Hugging Face `tokenizer.json` files read through @huggingface/tokenizers (pure JS, so it
 * runs in the engine in Node and in browsers). The library encodes one text without padding or
 * truncation; this module adds what `PreTrainedTokenizerFast.__call__` does around that, the
 * way the Rust crate does it: truncate the text's own tokens to leave room for the special
 * tokens, add the specials, then pad to a common length.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { AssetFileError, readJsonObject } from './asset-json.ts';
import { UnknownWordError, followCrateOnUnknownWords } from './hf-unknown-words.ts';
import { followCrateOnWordSplitting } from './hf-pre-tokenizers.ts';
import { followCrateOnNormalizing } from './hf-normalizers.ts';

export { AssetFileError };

export interface HfTokenizer {
  tokenizer: Tokenizer;
  /** Special tokens the post-processor puts before and after one sequence. */
  prefix: number[];
  suffix: number[];
  /** From tokenizer_config.json, when it names them. */
  config: TokenizerConfig;
  /** Token id of each added/special token string, and every vocabulary entry. */
  idOf(token: string): number | undefined;
  /** pad_id of tokenizer.json's own padding section, when it has one. */
  filePadId?: number;
}

export interface TokenizerConfig {
  padToken?: string;
  modelMaxLength?: number;
  paddingSide: 'right' | 'left';
  truncationSide: 'right' | 'left';
}

/** A token written as a string or as an AddedToken object `{ content }`. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

// transformers writes int(1e30) for "no limit"; that is not a usable length.
const NO_LIMIT = 1e12;

export function parseTokenizerConfig(json: Record<string, unknown>): TokenizerConfig {
  const side = (v: unknown, key: string): 'right' | 'left' => {
    if (v === undefined || v === null || v === 'right') return 'right';
    if (v === 'left') return 'left';
    throw new AssetFileError(`has ${key} ${JSON.stringify(v)}; expected "left" or "right"`);
  };
  const max = json['model_max_length'];
  return {
    padToken: tokenText(json['pad_token']),
    modelMaxLength: typeof max === 'number' && Number.isInteger(max) && max > 0 && max < NO_LIMIT ? max : undefined,
    paddingSide: side(json['padding_side'], 'padding_side'),
    truncationSide: side(json['truncation_side'], 'truncation_side'),
  };
}

const isId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** Token ids are u32 in the Rust crate, which refuses a file with any other; so does this. */
function checkIds(vocab: unknown, added: unknown): void {
  if (Array.isArray(vocab)) {
    vocab.forEach((e, i) => {
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || typeof e[1] !== 'number' || !Number.isFinite(e[1])) {
        throw new AssetFileError(`has model.vocab[${i}] = ${JSON.stringify(e)}; expected [piece, score]`);
      }
    });
  } else {
    for (const [token, id] of Object.entries(vocab as Record<string, unknown>)) {
      if (!isId(id)) throw new AssetFileError(`has model.vocab[${JSON.stringify(token)}] = ${JSON.stringify(id)}; expected a token id (a whole number from 0)`);
    }
  }
  ((added ?? []) as unknown[]).forEach((t, i) => {
    const o = t as { id?: unknown; content?: unknown } | null;
    if (!o || typeof o !== 'object' || !isId(o.id) || typeof o.content !== 'string') {
      throw new AssetFileError(`has added_tokens[${i}] = ${JSON.stringify(t)}; expected {"id": a whole number, "content": a string, ...}`);
    }
  });
}

/**
 * Split, Replace and their kin carry `pattern: {"String": s} | {"Regex": r}`. The library warns
 * about any other shape and then runs without the step, which would tokenise differently from
 * the crate (it refuses such a file); so it is refused here.
 */
function checkPatterns(v: unknown, at: string): void {
  if (Array.isArray(v)) v.forEach((x, i) => checkPatterns(x, `${at}[${i}]`));
  if (!v || typeof v !== 'object' || Array.isArray(v)) return;
  for (const [key, x] of Object.entries(v)) {
    if (key === 'pattern') {
      const p = x as Record<string, unknown> | null;
      const keys = p && typeof p === 'object' && !Array.isArray(p) ? Object.keys(p) : [];
      if (keys.length !== 1 || (keys[0] !== 'String' && keys[0] !== 'Regex') || typeof p![keys[0]] !== 'string') {
        throw new AssetFileError(`has ${at}.pattern = ${JSON.stringify(x)}; expected {"String": text} or {"Regex": pattern}`);
      }
    } else checkPatterns(x, `${at}.${key}`);
  }
}

function build(json: Record<string, unknown>, configJson: Record<string, unknown> | undefined): HfTokenizer {
  const model = json['model'];
  if (!model || typeof model !== 'object' || Array.isArray(model)) throw new AssetFileError('has no "model" object; is it a tokenizer.json?');
  const m = model as Record<string, unknown>;
  if (!m['vocab'] || typeof m['vocab'] !== 'object') throw new AssetFileError('has a "model" without a "vocab"');
  if (m['type'] === 'BPE' && !Array.isArray(m['merges'])) throw new AssetFileError('has a BPE "model" without a "merges" list');
  if (json['added_tokens'] !== undefined && !Array.isArray(json['added_tokens'])) throw new AssetFileError('has "added_tokens" that is not a list');
  checkIds(m['vocab'], json['added_tokens']);
  for (const section of ['normalizer', 'pre_tokenizer', 'decoder']) checkPatterns(json[section], section);
  // Files written by hand or by other tools may leave out sections the Rust crate treats as null.
  const full: Record<string, unknown> = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [], ...json };
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(full, configJson ?? {});
  } catch (e) {
    throw new AssetFileError(`could not be read as a tokenizer: ${(e as Error).message}`);
  }
  followCrateOnNormalizing(tokenizer);
  followCrateOnWordSplitting(tokenizer);
  followCrateOnUnknownWords(tokenizer, m);
  const idOf = (t: string) => tokenizer.token_to_id(t);
  let prefix: number[] = [];
  let suffix: number[] = [];
  if (tokenizer.post_processor) {
    // Where the post-processor puts the text among its special tokens, found with a marker.
    const marker = '\u0000modalflow-sequence\u0000';
    const around = tokenizer.post_processor.post_process([marker], null, true).tokens;
    const at = around.indexOf(marker);
    if (at < 0) throw new AssetFileError('has a post_processor that drops the text');
    const ids = (tokens: string[]) =>
      tokens.map((t) => {
        const id = idOf(t);
        if (id === undefined) throw new AssetFileError(`has a post_processor adding "${t}", which is not in the vocabulary`);
        return id;
      });
    prefix = ids(around.slice(0, at));
    suffix = ids(around.slice(at + 1));
  }
  const padding = json['padding'] as { pad_id?: unknown } | null | undefined;
  const filePadId = padding && typeof padding.pad_id === 'number' ? padding.pad_id : undefined;
  const config = configJson ? parseTokenizerConfig(configJson) : { paddingSide: 'right' as const, truncationSide: 'right' as const };
  return { tokenizer, prefix, suffix, config, idOf, filePadId };
}

// The engine hands a host step the same asset bytes on every run, so a tokenizer (a parse of a
// file that can hold megabytes of vocabulary) is built once per pair of files.
const cache = new WeakMap<Uint8Array, { plain?: HfTokenizer; withConfig: WeakMap<Uint8Array, HfTokenizer> }>();

/** Builds (or finds) the tokenizer for these file bytes. Throws AssetFileError for bad files. */
export function loadTokenizer(tokenizerBytes: Uint8Array, configBytes?: Uint8Array): HfTokenizer {
  let entry = cache.get(tokenizerBytes);
  if (!entry) {
    entry = { withConfig: new WeakMap() };
    cache.set(tokenizerBytes, entry);
  }
  const hit = configBytes ? entry.withConfig.get(configBytes) : entry.plain;
  if (hit) return hit;
  const configJson = configBytes ? readConfigJson(configBytes) : undefined;
  let built: HfTokenizer;
  try {
    built = build(readJsonObject(tokenizerBytes), configJson);
  } catch (e) {
    // The library reads sections lazily and trusts their shape; whatever it trips on is the file's fault.
    if (e instanceof AssetFileError) throw e;
    throw new AssetFileError(`could not be read as a tokenizer: ${(e as Error).message}`);
  }
  if (configBytes) entry.withConfig.set(configBytes, built);
  else entry.plain = built;
  return built;
}

/** Errors in the second file are told apart from errors in the first. */
export class ConfigFileError extends AssetFileError {}

function readConfigJson(bytes: Uint8Array): Record<string, unknown> {
  try {
    const json = readJsonObject(bytes);
    parseTokenizerConfig(json);
    return json;
  } catch (e) {
    throw new ConfigFileError((e as Error).message);
  }
}

/** Tokens tried, in order, when neither param nor files name a pad token. */
export const FALLBACK_PAD_TOKENS = ['[PAD]', '<pad>', '<|endoftext|>'];

/**
 * The pad id: an explicit token, else tokenizer_config.json's pad_token, else the padding
 * section of tokenizer.json, else the first of FALLBACK_PAD_TOKENS in the vocabulary (CLIP's
 * files say <|endoftext|>, which that list ends with). Undefined when nothing fits.
 */
export function padId(tok: HfTokenizer, explicit: string): number | undefined {
  if (explicit !== '') return tok.idOf(explicit);
  if (tok.config.padToken !== undefined) {
    const id = tok.idOf(tok.config.padToken);
    if (id !== undefined) return id;
  }
  if (tok.filePadId !== undefined) return tok.filePadId;
  for (const t of FALLBACK_PAD_TOKENS) {
    const id = tok.idOf(t);
    if (id !== undefined) return id;
  }
  return undefined;
}

export interface EncodeOptions {
  /** Row length when padding to max_length; the truncation limit. */
  maxLength: number;
  padding: 'max_length' | 'longest';
  truncation: boolean;
  addSpecialTokens: boolean;
  padId: number | undefined;
}

export interface EncodedBatch {
  ids: BigInt64Array;
  mask: BigInt64Array;
  /** Tokens per row. */
  length: number;
}

/** A batch problem a user fixes through a param (or the text input, `text`); `param` names it. */
export class EncodeError extends Error {
  constructor(message: string, readonly param: string) {
    super(message);
  }
}

// Text reaches the Rust crate as UTF-8, where a lone surrogate (possible in a JSON string)
// becomes U+FFFD; the same happens here so that both see one text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeText(tok: HfTokenizer, text: string, row: number): number[] {
  let encoded;
  try {
    encoded = tok.tokenizer.encode(text.replace(LONE_SURROGATE, '\uFFFD'), { add_special_tokens: false });
  } catch (e) {
    if (e instanceof UnknownWordError) throw new EncodeError(`text ${row}: ${e.message}; give the tokenizer an unknown token or change the text`, 'tokenizer');
    // A tokenizer.json that loads can still hold parts that fail on some text (a vocabulary
    // entry that is not a number, a regex that cannot run): the file's fault, said as such.
    if (e instanceof RangeError) throw new EncodeError(`text ${row} (${text.length} characters) is too long to tokenize here: ${e.message}`, 'text');
    throw new EncodeError(`text ${row}: the tokenizer file fails on it: ${(e as Error).message}`, 'tokenizer');
  }
  const at = encoded.ids.findIndex((id) => !Number.isInteger(id));
  // The library maps a token outside the vocabulary to no id; that must not reach BigInt().
  if (at >= 0) throw new EncodeError(`text ${row}: token "${encoded.tokens[at]}" has no id in the vocabulary`, 'tokenizer');
  return encoded.ids;
}

/** ids and attention_mask are int64: beyond this many each would pass 2 GiB. */
const MAX_BATCH_TOKENS = 1 << 28;

export function encodeBatch(tok: HfTokenizer, texts: readonly string[], o: EncodeOptions): EncodedBatch {
  const specials = o.addSpecialTokens ? tok.prefix.length + tok.suffix.length : 0;
  const budget = o.maxLength - specials;
  if (o.truncation && budget < 0) {
    throw new EncodeError(`max_length ${o.maxLength} is shorter than the ${specials} special tokens this tokenizer adds`, 'max_length');
  }
  const rows = texts.map((text, b) => {
    let ids = encodeText(tok, text, b);
    if (o.truncation && ids.length > budget) {
      ids = tok.config.truncationSide === 'left' ? ids.slice(ids.length - budget) : ids.slice(0, budget);
    }
    const row = o.addSpecialTokens ? [...tok.prefix, ...ids, ...tok.suffix] : ids;
    if (o.padding === 'max_length' && row.length > o.maxLength) {
      throw new EncodeError(`text ${b} has ${row.length} tokens, more than max_length ${o.maxLength}; turn truncation on or raise max_length`, 'truncation');
    }
    return row;
  });
  const length = o.padding === 'max_length' ? o.maxLength : rows.reduce((a, r) => Math.max(a, r.length), 0);
  if (rows.length * length > MAX_BATCH_TOKENS) {
    throw new EncodeError(`${rows.length} rows of ${length} tokens are more than ${MAX_BATCH_TOKENS} ids (2 GiB of int64); lower max_length or split the batch`, 'max_length');
  }
  const ids = new BigInt64Array(rows.length * length);
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, b) => {
    const pad = length - row.length;
    if (pad > 0 && o.padId === undefined) {
      throw new EncodeError('rows need padding but the tokenizer has no pad token; set pad_token or give tokenizer_config.json', 'pad_token');
    }
    const start = tok.config.paddingSide === 'left' ? pad : 0;
    const base = b * length;
    if (pad > 0) ids.fill(BigInt(o.padId!), base, base + length);
    for (let k = 0; k < row.length; k++) {
      ids[base + start + k] = BigInt(row[k]!);
      mask[base + start + k] = 1n;
    }
  });
  return { ids, mask, length };
}
