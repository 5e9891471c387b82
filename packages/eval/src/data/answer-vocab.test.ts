import { describe, expect, it } from 'vitest';
import { readAnswerVocab } from './answer-vocab.ts';
import { caught, fixtureText } from '../testing/fixtures.ts';

describe('readAnswerVocab', () => {
  it('reads the same vocabulary from a text list, a JSON list and an answer-to-label object', async () => {
    for (const file of ['answers.txt', 'answers.json', 'trainval_ans2label.json']) {
      const v = await readAnswerVocab(fixtureText(`samples/${file}`), file);
      expect(v.answers).toEqual(['yes', 'no', '2', 'red']);
      expect(v.index.get('red')).toBe(3);
    }
  });

  it('rejects a repeated answer at its line, and a gap in the labels', async () => {
    const e = await caught(() => readAnswerVocab('yes\nno\nyes\n', 'a.txt'));
    expect(e.code).toBe('MF_DATA_DUPLICATE_ID');
    expect(e.at).toEqual({ file: 'a.txt', line: 3 });
    expect((await caught(() => readAnswerVocab('{"yes": 0, "no": 2}', 'a.json'))).code).toBe('MF_DATA_FIELD');
  });
});
