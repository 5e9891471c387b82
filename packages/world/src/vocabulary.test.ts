import { describe, expect, it } from 'vitest';
import { ANSWERS, answerId, article, SPECIAL_TOKENS, TOKENIZER_VOCABULARY, WORDS, words } from './vocabulary.ts';
import { COLOURS, POSITIONS, SHAPES, SIZES } from './vocabulary.ts';
import { maxTextTokens } from './language.ts';
import { generateWorld } from './world.ts';

describe('vocabularies', () => {
  it('cover every word of every caption and question the world can make', () => {
    const vocab = new Set(WORDS);
    const used = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const world = generateWorld({
        seed, count: 300, minObjects: 1, maxObjects: 3, shapes: SHAPES, sizes: ['small', 'big'],
        heldOut: [{ colour: 'orange', shape: 'star' }],
      });
      for (const e of world.examples) {
        for (const w of [...words(e.caption), ...words(e.question)]) {
          expect(vocab.has(w), `"${w}" in "${e.caption}" / "${e.question}"`).toBe(true);
          used.add(w);
        }
      }
    }
    // Nothing in the vocabulary is dead weight.
    expect([...vocab].filter((w) => !used.has(w))).toEqual([]);
  });

  it('bound the length of every text by maxTextTokens, and reach it', () => {
    for (const [maxObjects, sizes] of [[1, ['big']], [2, ['small', 'big']], [3, ['small', 'big']], [2, ['big']]] as const) {
      const world = generateWorld({ seed: 5, count: 400, minObjects: maxObjects, maxObjects, sizes, shapes: SHAPES });
      const longest = Math.max(...world.examples.flatMap((e) => [words(e.caption).length, words(e.question).length]));
      expect(longest).toBe(maxTextTokens(world.options));
      const question = Math.max(...world.examples.map((e) => words(e.question).length));
      expect(question).toBe(maxObjects > 1 ? 9 : 7);
    }
  });

  it('number answers consistently, with every answer once', () => {
    expect(new Set(ANSWERS).size).toBe(ANSWERS.length);
    expect(new Set(WORDS).size).toBe(WORDS.length);
    for (const [i, a] of ANSWERS.entries()) expect(answerId(a)).toBe(i);
    expect(() => answerId('maybe')).toThrow(/maybe/);
    for (const a of [...COLOURS, ...SHAPES, ...POSITIONS, ...SIZES, 'yes', 'no']) expect(ANSWERS).toContain(a);
  });

  it('put the special tokens first in the tokenizer vocabulary', () => {
    expect(TOKENIZER_VOCABULARY.slice(0, 4)).toEqual([...SPECIAL_TOKENS]);
    expect(TOKENIZER_VOCABULARY.slice(4)).toEqual([...WORDS]);
  });

  it('split text into tokens as a word tokenizer does', () => {
    expect(words('What colour is the circle?')).toEqual(['what', 'colour', 'is', 'the', 'circle', '?']);
    expect(article('orange')).toBe('an');
    expect(article('red')).toBe('a');
  });
});
