import { describe, expect, it } from 'vitest';
import { normalizeAnswer, processPunctuation } from './vqa-normalize.ts';
import { vqaQuestionAccuracy } from './vqa-accuracy.ts';

const answers = (...xs: string[]) => xs.map((answer, i) => ({ answer, answer_id: i + 1, answer_confidence: 'yes' }));

describe('VQA answer normalisation', () => {
  it('maps number words, drops articles and restores contractions', () => {
    expect(normalizeAnswer('Two')).toBe('2');
    expect(normalizeAnswer('the red one')).toBe('red 1');
    expect(normalizeAnswer('dont know')).toBe("don't know");
    expect(normalizeAnswer('none')).toBe('0');
  });

  it('deletes punctuation next to a space, else replaces it with a space', () => {
    expect(processPunctuation('black/white')).toBe('black white');
    expect(processPunctuation('yes; no')).toBe('yes no');
    expect(processPunctuation('1,000')).toBe('1000');
    expect(processPunctuation('hot dog.')).toBe('hot dog');
    expect(processPunctuation('3.5')).toBe('3.5');
  });

  it('removes at most 32 periods, as the reference does', () => {
    expect(processPunctuation('.'.repeat(40))).toBe('.'.repeat(8));
  });
});

describe('vqaQuestionAccuracy', () => {
  it('is min(1, matches among the other nine / 3) averaged over the ten annotators', () => {
    // 2 of 10 say "cat": each of those two sees 1 other "cat" (1/3), each of the eight sees 2 (2/3).
    expect(vqaQuestionAccuracy('cat', answers('cat', 'cat', ...Array(8).fill('dog')))).toBeCloseTo((2 * (1 / 3) + 8 * (2 / 3)) / 10, 12);
    expect(vqaQuestionAccuracy('dog', answers('cat', 'cat', ...Array(8).fill('dog')))).toBe(1);
    expect(vqaQuestionAccuracy('bird', answers('cat', 'cat', ...Array(8).fill('dog')))).toBe(0);
  });

  it('normalises only when annotators disagree', () => {
    expect(vqaQuestionAccuracy('two', answers(...Array(10).fill('2')))).toBe(0);
    expect(vqaQuestionAccuracy('two', answers(...Array(9).fill('2'), '3'))).toBe(1);
  });
});
