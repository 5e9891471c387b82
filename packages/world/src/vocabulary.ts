/**
 * Every word the world can draw, say or answer. The lists are fixed and ordered once for all
 * worlds, so a tokenizer vocabulary or an answer head built for one world fits every other
 * (a world that leaves out purple still numbers the other colours the same way).
 */

export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export const SHAPES = ['square', 'circle', 'triangle', 'cross', 'star'] as const;
export const POSITIONS = ['left', 'right', 'top', 'bottom', 'centre'] as const;
export const SIZES = ['small', 'big'] as const;
export const COUNT_WORDS = ['one', 'two', 'three'] as const;

export type Colour = (typeof COLOURS)[number];
export type Shape = (typeof SHAPES)[number];
export type Position = (typeof POSITIONS)[number];
export type Size = (typeof SIZES)[number];

/** Fill colours, far apart from each other and from the light backgrounds. */
export const PALETTE: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 220],
  yellow: [240, 210, 30],
  purple: [140, 50, 180],
  orange: [245, 135, 20],
};

/** How a caption says each position ("a red square on the left"). */
export const POSITION_PHRASES: Readonly<Record<Position, readonly string[]>> = {
  left: ['on', 'the', 'left'],
  right: ['on', 'the', 'right'],
  top: ['at', 'the', 'top'],
  bottom: ['at', 'the', 'bottom'],
  centre: ['in', 'the', 'centre'],
};

const FUNCTION_WORDS = [
  'a', 'an', 'the', 'and', 'on', 'at', 'in', 'is', 'are', 'there',
  'what', 'where', 'how', 'many', 'colour', 'shape', 'size', 'shapes', '?',
] as const;

/** Every token a caption or question can contain, punctuation included ('?' is its own token). */
export const WORDS: readonly string[] = [
  ...FUNCTION_WORDS, ...COLOURS, ...SHAPES, ...POSITIONS, ...SIZES,
];

/** Special tokens in the order BERT-style word tokenizers expect them (ids 0..3). */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** The `vocabulary` param for a `text.tokenize_words` node: special tokens, then WORDS. */
export const TOKENIZER_VOCABULARY: readonly string[] = [...SPECIAL_TOKENS, ...WORDS];

/** Every answer, in answer-id order: a VQA head over the world has this many classes. */
export const ANSWERS: readonly string[] = [
  'yes', 'no', ...COLOURS, ...SHAPES, ...POSITIONS, ...SIZES, ...COUNT_WORDS,
];

export function answerId(answer: string): number {
  const id = ANSWERS.indexOf(answer);
  if (id < 0) throw new RangeError(`"${answer}" is not an answer of the world`);
  return id;
}

/** "an orange circle", "a red square": the article follows the next word's sound. */
export function article(next: string): 'a' | 'an' {
  return /^[aeiou]/.test(next) ? 'an' : 'a';
}

/** Splits a caption or question into tokens the way the word tokenizer does for this vocabulary. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/\?/g, ' ? ').split(/\s+/).filter((w) => w !== '');
}
