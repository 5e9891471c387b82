import { describe, expect, it } from 'vitest';
import { analyzeGraph, type AssetData, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '../index.ts';
import { graphDoc } from '../inputs/run-graph.ts';
import { clipBpeFixture } from '../testing/bpe-fixture.ts';
import { loadTokenizer } from '../lib/hf-tokenizer.ts';
import { runGraphWithAssets, withAssets, type AssetFiles } from '../testing/run-graph-assets.ts';
import tokenize from './tokenize-hf.ts';

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

// CLIP-shaped BPE (see bpe-fixture.ts): byte symbols 0..255 ('!' = 0, 'a' = 64), the same with
// '</w>' at 256..511 ('a</w>' = 320), then one id per merge in order:
// 512 ph, 513 pho, 514 phot, 515 photo</w>, 516 of</w>, 517 ca, 518 cat</w>, 519 do, 520 dog</w>;
// <|startoftext|> 521, <|endoftext|> 522 (also the pad token).
const clip = clipBpeFixture();
const S = 521;
const E = 522;

// BERT-shaped WordPiece: lowercasing + accent-stripping normalizer, [CLS] A [SEP] template.
const BERT_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'dog', 'is', 'play', '##ing', '##s', '?', 'un', '##aff', '##able', 'cafe', '.', 'a'];
const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const bert = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t, i) => special(i, t)),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(BERT_VOCAB.map((t, i) => [t, i])) },
};

const FILES: AssetFiles = {
  clip_tok: { uri: 'clip/tokenizer.json', bytes: clip.files['tokenizer.json'] },
  clip_cfg: { uri: 'clip/tokenizer_config.json', bytes: clip.files['tokenizer_config.json'] },
  bert_tok: { uri: 'bert/tokenizer.json', bytes: json(bert) },
  bert_cfg: { uri: 'bert/tokenizer_config.json', bytes: json({ pad_token: '[PAD]', model_max_length: 512 }) },
};
const lookup = (files: AssetFiles) => (name: string): AssetData | undefined => (files[name] ? { name, ...files[name] } : undefined);

const params = (over: Record<string, unknown> = {}) => ({
  tokenizer: 'clip_tok', config: 'clip_cfg', max_length: 10, padding: 'max_length', truncation: true, add_special_tokens: true, pad_token: '', ...over,
});
const text = (...rows: string[]): Tensor => ({ dtype: 'string', dims: [rows.length], data: rows });

async function host(rows: string[], over: Record<string, unknown> = {}, files = FILES) {
  const out = await tokenize.host!({ text: text(...rows) }, { node: 'tok', params: params(over) as never, asset: lookup(files) });
  const ints = (t: Tensor) => Array.from(t.data as BigInt64Array, Number);
  const t = out['ids']!.dims[1]!;
  const split = (v: number[]) => rows.map((_, b) => v.slice(b * t, (b + 1) * t));
  return { ids: split(ints(out['ids']!)), mask: split(ints(out['attention_mask']!)), dims: out['ids']!.dims };
}

describe('text.tokenize: CLIP byte-level BPE', () => {
  it('merges words, adds start/end and pads with the end token', async () => {
    const r = await host(['a photo of a cat', 'A  Dog!!']);
    expect(r.dims).toEqual([2, 10]);
    expect(r.ids[0]).toEqual([S, 320, 515, 516, 320, 518, E, E, E, E]);
    expect(r.mask[0]).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    // Lowercased; '!!' is one pre-token of two byte symbols: '!' = 0, '!</w>' = 256.
    expect(r.ids[1]).toEqual([S, 320, 520, 0, 256, E, E, E, E, E]);
  });

  it('falls back to smaller pieces and byte symbols', async () => {
    // photos: p h o t o s</w> -> ph -> pho -> phot; "phot o</w>" needs o</w>, so o (78) and s</w> (256 + 82) stay.
    // café: c a -> ca; f = 69; é is bytes C3 A9 -> 'Ã' (127) and '©</w>' (256 + 102). Digits split one by one.
    const r = await host(['photos', 'café 42'], { padding: 'longest' });
    expect(r.ids[0]).toEqual([S, 514, 78, 338, E, E, E, E]);
    expect(r.ids[1]).toEqual([S, 517, 69, 127, 358, 256 + 19, 256 + 17, E]);
    expect(r.mask[0]).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('truncates the text but keeps start and end', async () => {
    const r = await host(['a photo of a cat'], { max_length: 5 });
    expect(r.ids[0]).toEqual([S, 320, 515, 516, E]);
    expect(r.mask[0]).toEqual([1, 1, 1, 1, 1]);
    await expect(host(['a photo of a cat'], { max_length: 5, truncation: false })).rejects.toMatchObject({ code: 'MF_TOKENIZE', at: { node: 'tok', param: 'truncation' } });
    expect((await host(['a photo of a cat', 'a'], { max_length: 5, truncation: false, padding: 'longest' })).ids[1]).toEqual([S, 320, E, E, E, E, E]);
  });

  it('pads to the longest row, honours add_special_tokens and config sides', async () => {
    const r = await host(['a cat', 'a photo of a dog'], { padding: 'longest' });
    expect(r.dims).toEqual([2, 7]);
    expect(r.ids).toEqual([[S, 320, 518, E, E, E, E], [S, 320, 515, 516, 320, 520, E]]);
    expect(r.mask[0]).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect((await host(['a cat'], { add_special_tokens: false, max_length: 4 })).ids[0]).toEqual([320, 518, E, E]);
    const left: AssetFiles = { ...FILES, clip_cfg: { uri: 'c.json', bytes: json({ ...clip.config, padding_side: 'left', truncation_side: 'left' }) } };
    const l = await host(['a cat', 'a photo of a dog'], { max_length: 5 }, left);
    expect(l.ids).toEqual([[E, S, 320, 518, E], [S, 516, 320, 520, E]]);
    expect(l.mask[0]).toEqual([0, 1, 1, 1, 1]);
  });

  it('takes the pad token and model_max_length from the files', async () => {
    expect((await host(['a'], { max_length: 0 })).dims).toEqual([1, 77]);
    // Without tokenizer_config.json, <|endoftext|> is the pad of last resort, as CLIP's config says.
    expect((await host(['a'], { config: '', max_length: 4 })).ids[0]).toEqual([S, 320, E, E]);
    expect((await host(['a'], { pad_token: '!', max_length: 4 })).ids[0]).toEqual([S, 320, E, 0]);
    await expect(host(['a'], { pad_token: '<nope>' })).rejects.toMatchObject({ code: 'MF_PARAM_RANGE', at: { param: 'pad_token' } });
    await expect(host(['a'], { config: '', max_length: 0 })).rejects.toMatchObject({ at: { param: 'max_length' } });
  });

  it('parses each file once', () => {
    const a = loadTokenizer(FILES['clip_tok']!.bytes, FILES['clip_cfg']!.bytes);
    expect(loadTokenizer(FILES['clip_tok']!.bytes, FILES['clip_cfg']!.bytes)).toBe(a);
    expect(loadTokenizer(FILES['clip_tok']!.bytes)).not.toBe(a);
    expect(a.prefix).toEqual([S]);
    expect(a.suffix).toEqual([E]);
  });
});

describe('text.tokenize: BERT WordPiece', () => {
  const over = { tokenizer: 'bert_tok', config: 'bert_cfg', max_length: 12 };
  it('splits words into pieces with [CLS] ... [SEP] and [PAD]', async () => {
    const r = await host(['The dog is playing?', 'Unaffable dogs. Café xyz'], over);
    expect(r.ids[0]).toEqual([2, 5, 6, 7, 8, 9, 11, 3, 0, 0, 0, 0]);
    expect(r.ids[1]).toEqual([2, 12, 13, 14, 6, 10, 16, 15, 1, 3, 0, 0]);
    expect(r.mask[1]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('finds [PAD] without a config file and truncates before [SEP]', async () => {
    const r = await host(['the dog is playing'], { ...over, config: '', max_length: 4 });
    expect(r.ids[0]).toEqual([2, 5, 6, 3]);
    expect((await host([''], { ...over, config: '', max_length: 3 })).ids[0]).toEqual([2, 3, 0]);
  });
});

describe('text.tokenize in a graph', () => {
  const doc = (over: Record<string, unknown> = {}) =>
    graphDoc(
      [['caption', 'input.text'], ['tok', 'text.tokenize', params({ max_length: 8, ...over })], ['ids', 'output.tensor'], ['mask', 'output.tensor']],
      [['caption.text', 'tok.text'], ['tok.ids', 'ids.value'], ['tok.attention_mask', 'mask.value']],
    );

  it('runs text -> text.tokenize -> ids through the engine', async () => {
    const out = await runGraphWithAssets(doc(), FILES, { caption: text('a photo of a dog', 'a cat') });
    expect(out['ids']!.dims).toEqual([2, 8]);
    expect(Array.from(out['ids']!.data as BigInt64Array, Number)).toEqual([S, 320, 515, 516, 320, 520, E, E, S, 320, 518, E, E, E, E, E]);
    expect(Array.from(out['mask']!.data as BigInt64Array, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('feeds ONNX nodes: end-token pooling finds <|endoftext|>, the highest id', async () => {
    const d = graphDoc(
      [['caption', 'input.text'], ['tok', 'text.tokenize', params({ max_length: 8 })], ['pool', 'pool.end_token'], ['x', 'input.tensor', { dtype: 'float32', shape: 'B, 8, 1' }], ['out', 'output.tensor']],
      [['caption.text', 'tok.text'], ['tok.ids', 'pool.ids'], ['x.value', 'pool.x'], ['pool.pooled', 'out.value']],
    );
    const x = Float32Array.from({ length: 16 }, (_, k) => k);
    const out = await runGraphWithAssets(d, FILES, { caption: text('a photo of a dog', 'a cat'), x: { dtype: 'float32', dims: [2, 8, 1], data: x } });
    expect(Array.from(out['out']!.data as Float32Array)).toEqual([6, 8 + 3]);
  });

  it('declares T from max_length or the config, and a symbol when padding to the longest row', () => {
    const shape = (over: Record<string, unknown>, files: AssetFiles = FILES) => {
      const a = analyzeGraph(withAssets(doc(over), files), createRegistry(), { asset: lookup(files) });
      expect(a.problems).toEqual([]);
      return a.nodes.get('tok')!.outputShapes['ids'];
    };
    expect(shape({})).toEqual(['B', 8]);
    expect(shape({ max_length: 0 })).toEqual(['B', 77]);
    expect(shape({ padding: 'longest' })).toEqual(['B', 'T_tok']);
  });

  it('names the asset that is missing or malformed', () => {
    const problem = (over: Record<string, unknown>, files: AssetFiles) =>
      analyzeGraph(withAssets(doc(over), files), createRegistry(), { asset: lookup(files) }).problems[0];
    const broken = { ...FILES, clip_tok: { uri: 'tokenizer.json', bytes: new TextEncoder().encode('{"model": {"type": "BPE", ') } };
    expect(problem({}, broken)).toMatchObject({ code: 'MF_ASSET_INVALID', at: { node: 'tok', param: 'tokenizer' } });
    expect(problem({}, broken)!.message).toMatch(/asset "clip_tok" is not valid JSON/);
    const notTok = { ...FILES, clip_tok: { uri: 'tokenizer.json', bytes: json({ vocab: {} }) } };
    expect(problem({}, notTok)!.message).toBe('asset "clip_tok" has no "model" object; is it a tokenizer.json?');
    const noMerges = { ...FILES, clip_tok: { uri: 'tokenizer.json', bytes: json({ model: { type: 'BPE', vocab: {} } }) } };
    expect(problem({}, noMerges)!.message).toContain('without a "merges" list');
    const badCfg = { ...FILES, clip_cfg: { uri: 'tokenizer_config.json', bytes: json([1]) } };
    expect(problem({}, badCfg)).toMatchObject({ code: 'MF_ASSET_INVALID', at: { param: 'config' }, message: 'asset "clip_cfg" is not a JSON object' });
    expect(problem({ tokenizer: '' }, FILES)).toMatchObject({ code: 'MF_ASSET_MISSING', at: { param: 'tokenizer' } });
    expect(problem({ max_length: 1 }, FILES)).toMatchObject({ at: { param: 'max_length' } });
    // Compiling needs the bytes; running without them says which asset.
    expect(() => compileGraph(withAssets(doc(), FILES), createRegistry(), { asset: () => undefined })).toThrow(expect.objectContaining({ code: 'MF_ASSET_NOT_LOADED' }));
  });

  it('says which asset a host run could not find', async () => {
    await expect(host(['a'], {}, {})).rejects.toMatchObject({ code: 'MF_ASSET_NOT_LOADED', message: expect.stringContaining('"clip_tok"') });
    const bad = { ...FILES, clip_tok: { uri: 't.json', bytes: new Uint8Array([0xff, 0xfe]) } };
    await expect(host(['a'], {}, bad)).rejects.toMatchObject({ code: 'MF_ASSET_INVALID', message: expect.stringContaining('asset "clip_tok" is not UTF-8 text') });
  });
});
