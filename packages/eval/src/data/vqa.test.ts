import { describe, expect, it } from 'vitest';
import { readVqa, readVqaResults } from './vqa.ts';
import { caught, fixtureText } from '../testing/fixtures.ts';

const questions = { text: fixtureText('reference/vqa_questions.json'), file: 'q.json' };
const annotations = { text: fixtureText('reference/vqa_annotations.json'), file: 'a.json' };

describe('readVqa', () => {
  it('joins questions and annotations, naming images as COCO does', () => {
    const ds = readVqa(questions, annotations, { imageRoot: 'val2014' });
    const q = JSON.parse(questions.text).questions[4];
    const a = JSON.parse(annotations.text).annotations[4];
    expect(ds.rows[4]).toEqual({
      question_id: q.question_id,
      image_id: q.image_id,
      image: `val2014/COCO_val2014_${String(q.image_id).padStart(12, '0')}.jpg`,
      question: q.question,
      answers: a.answers.map((x: { answer: string }) => x.answer),
      question_type: a.question_type,
      answer_type: a.answer_type,
      multiple_choice_answer: a.multiple_choice_answer,
    });
    expect(ds.answers.get(q.question_id)).toEqual(a.answers);
  });

  it('reads questions alone (test-dev has no annotations)', () => {
    const ds = readVqa(questions);
    expect(ds.rows).toHaveLength(20);
    expect(ds.rows[0]!['answers']).toEqual([]);
  });

  it('rejects an annotation whose image differs from its question', async () => {
    const doc = JSON.parse(annotations.text);
    doc.annotations[7].image_id = 1;
    const e = await caught(() => readVqa(questions, { text: JSON.stringify(doc), file: 'a.json' }));
    expect(e.code).toBe('MF_DATA_ID_MISMATCH');
    expect(e.at).toEqual({ file: 'a.json', path: '/annotations/7/image_id' });
  });

  it('rejects a question without annotation, naming the question', async () => {
    const doc = JSON.parse(annotations.text);
    doc.annotations.splice(3, 1);
    const e = await caught(() => readVqa(questions, { text: JSON.stringify(doc), file: 'a.json' }));
    expect(e.code).toBe('MF_DATA_ID_MISMATCH');
    expect(e.at).toEqual({ file: 'q.json', path: '/questions/3' });
  });

  it('rejects an annotation for an unknown question and truncated files', async () => {
    const doc = JSON.parse(annotations.text);
    doc.annotations[0].question_id = 7;
    expect((await caught(() => readVqa(questions, { text: JSON.stringify(doc), file: 'a.json' }))).at.path).toBe('/annotations/0/question_id');
    expect((await caught(() => readVqa({ text: questions.text.slice(0, 300), file: 'q.json' }))).code).toBe('MF_DATA_JSON');
  });
});

describe('readVqaResults', () => {
  it('reads [{ question_id, answer }]', () => {
    const r = readVqaResults(fixtureText('reference/vqa_results.json'), 'r.json');
    expect(r.get(500001)).toBe('Two');
  });

  it('rejects a non-string answer at its path', async () => {
    const e = await caught(() => readVqaResults('[{"question_id": 1, "answer": "a"}, {"question_id": 2, "answer": 3}]', 'r.json'));
    expect(e.code).toBe('MF_DATA_FIELD');
    expect(e.at.path).toBe('/1/answer');
  });
});
