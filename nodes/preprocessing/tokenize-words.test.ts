import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { createRegistry } from '../index.ts';
import { graphDoc, runGraph } from '../inputs/run-graph.ts';
import { basicTokenize } from '../lib/tokenize.ts';
import tokenize from './tokenize-words.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'dog', 'is', 'sitting', '?', ',', 'cafe', 'a', '.'];
const params = (over: Record<string, unknown> = {}) => ({
  vocabulary: VOCAB, lowercase: true, max_length: 8, add_special_tokens: true,
  cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', ...over,
});
const text = (...rows: string[]): Tensor => ({ dtype: 'string', dims: [rows.length], data: rows });
const host = async (rows: string[], over: Record<string, unknown> = {}) => {
  const out = await tokenize.host!({ text: text(...rows) }, { node: 'tok', params: params(over) as never, asset: () => undefined });
  return { ids: Array.from(out['ids']!.data as BigInt64Array, Number), mask: Array.from(out['mask']!.data as BigInt64Array, Number), dims: out['ids']!.dims };
};

describe('text.tokenize_words', () => {
  it('splits like BERT\'s basic tokenizer', () => {
    expect(basicTokenize('The dog, sitting?', true)).toEqual(['the', 'dog', ',', 'sitting', '?']);
    expect(basicTokenize('  Café\tcosts $5.50!\n', true)).toEqual(['cafe', 'costs', '$', '5', '.', '50', '!']);
    expect(basicTokenize('Café', false)).toEqual(['Café']);
    expect(basicTokenize('a\u0000b \u200bc 你好', true)).toEqual(['ab', 'c', '你', '好']);
    expect(basicTokenize("don't", true)).toEqual(['don', "'", 't']);
  });

  it('maps words to ids, unknown words to unk, and pads with a mask', async () => {
    const r = await host(['The dog is sitting?', 'a CAT.']);
    expect(r.dims).toEqual([2, 8]);
    expect(r.ids).toEqual([2, 4, 5, 6, 7, 8, 3, 0, /**/ 2, 11, 1, 12, 3, 0, 0, 0]);
    expect(r.mask).toEqual([1, 1, 1, 1, 1, 1, 1, 0, /**/ 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('truncates words but keeps the special tokens', async () => {
    const r = await host(['the dog the dog the dog the dog'], { max_length: 5 });
    expect(r.ids).toEqual([2, 4, 5, 4, 3]);
    expect(r.mask).toEqual([1, 1, 1, 1, 1]);
  });

  it('honours lowercase, add_special_tokens and an empty cls token', async () => {
    expect((await host(['The Café'], { lowercase: false })).ids.slice(0, 4)).toEqual([2, 1, 1, 3]);
    expect((await host(['the dog'], { add_special_tokens: false })).ids).toEqual([4, 5, 0, 0, 0, 0, 0, 0]);
    expect((await host(['the dog'], { cls_token: '' })).ids).toEqual([4, 5, 3, 0, 0, 0, 0, 0]);
    expect((await host([''])).ids).toEqual([2, 3, 0, 0, 0, 0, 0, 0]);
  });

  it('runs as a host step in a graph: text -> tokenize_words -> ids', async () => {
    const doc = graphDoc(
      [['caption', 'input.text'], ['tok', 'text.tokenize_words', params()], ['ids', 'output.tensor'], ['mask', 'output.tensor']],
      [['caption.text', 'tok.text'], ['tok.ids', 'ids.value'], ['tok.mask', 'mask.value']],
    );
    const out = await runGraph(doc, { caption: text('the dog?', 'is the dog sitting') });
    expect(out['ids']!.dtype).toBe('int64');
    expect(out['ids']!.dims).toEqual([2, 8]);
    expect(Array.from(out['ids']!.data as BigInt64Array, Number)).toEqual([2, 4, 5, 8, 3, 0, 0, 0, /**/ 2, 6, 4, 5, 7, 3, 0, 0]);
    expect(Array.from(out['mask']!.data as BigInt64Array, Number)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, /**/ 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('feeds ids into ONNX nodes downstream', async () => {
    const doc = graphDoc(
      [['caption', 'input.text'], ['tok', 'text.tokenize_words', params()], ['pool', 'pool.end_token'], ['x', 'input.tensor', { dtype: 'float32', shape: 'B, 8, 2' }], ['out', 'output.tensor']],
      [['caption.text', 'tok.text'], ['tok.ids', 'pool.ids'], ['x.value', 'pool.x'], ['pool.pooled', 'out.value']],
    );
    const x = Float32Array.from({ length: 16 }, (_, k) => k);
    const out = await runGraph(doc, { caption: text('the dog ?'), x: { dtype: 'float32', dims: [1, 8, 2], data: x } });
    // Highest id in [2, 4, 5, 8, 3, 0, 0, 0] is '?' (8) at position 3.
    expect(Array.from(out['out']!.data as Float32Array)).toEqual([6, 7]);
  });

  it('rejects duplicate words, special tokens missing from the vocabulary and no room for words', () => {
    const check = (over: Record<string, unknown>) => {
      const doc = graphDoc([['caption', 'input.text'], ['tok', 'text.tokenize_words', params(over)], ['out', 'output.tensor']], [['caption.text', 'tok.text'], ['tok.ids', 'out.value']]);
      return analyzeGraph(doc, createRegistry()).problems.find((p) => p.code === 'MF_SHAPE_INFER');
    };
    const dup = check({ vocabulary: [...VOCAB, 'dog'] });
    expect(dup?.at.param).toBe('vocabulary');
    expect(dup?.message).toContain('"dog" twice');
    const unk = check({ unk_token: '<unk>' });
    expect(unk?.at.param).toBe('unk_token');
    expect(unk?.message).toContain('"<unk>" is not in the vocabulary');
    expect(check({ cls_token: '<s>' })?.at.param).toBe('cls_token');
    expect(check({ max_length: 2 })?.at.param).toBe('max_length');
    expect(check({})).toBeUndefined();
  });

  it('rejects a non-text input', () => {
    const doc = graphDoc(
      [['x', 'input.tensor', { dtype: 'int64', shape: 'B' }], ['tok', 'text.tokenize_words'], ['out', 'output.tensor']],
      [['x.value', 'tok.text'], ['tok.ids', 'out.value']],
    );
    const p = analyzeGraph(doc, createRegistry()).problems.find((q) => q.code === 'MF_DTYPE_MISMATCH');
    expect(p?.message).toContain('input "text"');
  });

  it('has a default configuration that validates', () => {
    const doc = graphDoc([['caption', 'input.text'], ['tok', 'text.tokenize_words'], ['out', 'output.tensor']], [['caption.text', 'tok.text'], ['tok.ids', 'out.value']]);
    const a = analyzeGraph(doc, createRegistry());
    expect(a.problems).toEqual([]);
    expect(a.nodes.get('tok')!.outputShapes['ids']).toEqual(['B', 16]);
  });
});
