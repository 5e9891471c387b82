import { describe, expect, it } from 'vitest';
import { graphDoc, runGraph } from '../inputs/run-graph.ts';
import { encodeWords, tokenizeWithSpecials, type WordEncoding } from './tokenize.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'man', 'riding', 'horse', 'mask', '[', ']', '<|endoftext|>'];

const enc = (o: Partial<WordEncoding> = {}): WordEncoding => ({
  vocabulary: VOCAB, lowercase: true, maxLength: 10, addSpecialTokens: true,
  clsToken: '[CLS]', sepToken: '[SEP]', padToken: '[PAD]', unkToken: '[UNK]', ...o,
});

describe('special tokens in typed text (BERT never_split)', () => {
  it('keeps vocabulary entries of the form [XXX] and <...> whole, and splits the rest as before', () => {
    expect(tokenizeWithSpecials('a [MASK] riding a horse', true, VOCAB)).toEqual(['a', '[MASK]', 'riding', 'a', 'horse']);
    expect(tokenizeWithSpecials('A man[MASK]a Horse.', true, VOCAB)).toEqual(['a', 'man', '[MASK]', 'a', 'horse', '.']);
    expect(tokenizeWithSpecials('a horse<|endoftext|>', true, VOCAB)).toEqual(['a', 'horse', '<|endoftext|>']);
    // Matching is case-sensitive, as BERT's: a lowercased "[mask]" is ordinary text.
    expect(tokenizeWithSpecials('[mask]', true, VOCAB)).toEqual(['[', 'mask', ']']);
    // A bracketed word that is not in the vocabulary is split too.
    expect(tokenizeWithSpecials('[FOO]', false, VOCAB)).toEqual(['[', 'FOO', ']']);
    expect(tokenizeWithSpecials('[MASK]', true, ['[PAD]', '[UNK]'])).toEqual(['[', 'mask', ']']);
  });

  it('encodes "[MASK]" as its id', () => {
    expect(encodeWords('a [MASK] riding a horse', enc()).ids).toEqual([2, 5, 4, 7, 5, 8, 3, 0, 0, 0]);
    expect(encodeWords('[MASK] [MASK]', enc({ maxLength: 4 })).ids).toEqual([2, 4, 4, 3]);
  });

  it('text.tokenize_words gives [MASK] its id in a graph', async () => {
    const doc = graphDoc(
      [['text', 'input.text'], ['tok', 'text.tokenize_words', { vocabulary: VOCAB, max_length: 8 }], ['ids', 'output.tensor']],
      [['text.text', 'tok.text'], ['tok.ids', 'ids.value']],
    );
    const out = await runGraph(doc, { text: { dtype: 'string', dims: [2], data: ['a man riding a [MASK]', '[MASK] riding'] } });
    expect(Array.from(out['ids']!.data as BigInt64Array, Number)).toEqual([2, 5, 6, 7, 5, 4, 3, 0, 2, 4, 7, 3, 0, 0, 0, 0]);
  });
});
