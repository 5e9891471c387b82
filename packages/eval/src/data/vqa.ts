import { z } from 'zod';
import type { Location } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { check, parseJson } from './json.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';

const id = z.number().int();

const Questions = z.looseObject({
  data_subtype: z.string().optional(),
  questions: z.array(z.looseObject({ image_id: id, question: z.string(), question_id: id })),
});

const Annotations = z.looseObject({
  annotations: z.array(
    z.looseObject({
      question_id: id,
      image_id: id,
      question_type: z.string(),
      answer_type: z.string(),
      multiple_choice_answer: z.string(),
      answers: z.array(z.looseObject({ answer: z.string(), answer_id: id.optional(), answer_confidence: z.string().optional() })).min(1),
    }),
  ),
});

/** One ground-truth answer as the official evaluation compares them (all three fields). */
export interface VqaAnswer {
  answer: string;
  answer_id?: number;
  answer_confidence?: string;
}

export const VQA_COLUMNS: Column[] = [
  { name: 'question_id', kind: 'id', description: 'question id' },
  { name: 'image_id', kind: 'id', description: 'COCO image id' },
  { name: 'image', kind: 'image', description: 'image file, COCO_<subtype>_<12-digit id>.jpg' },
  { name: 'question', kind: 'text', description: 'the question' },
  { name: 'answers', kind: 'texts', description: 'the ten annotators\' answers (empty without annotations)' },
  { name: 'question_type', kind: 'label', description: 'question type, e.g. "what color is the"' },
  { name: 'answer_type', kind: 'label', description: 'yes/no, number or other' },
  { name: 'multiple_choice_answer', kind: 'text', description: 'most frequent answer' },
];

export interface VqaDataset extends Dataset {
  /** Full ground-truth answer records by question id, as the official accuracy needs them. */
  answers: Map<number, VqaAnswer[]>;
}

export interface VqaOptions {
  imageRoot?: string;
  /** Image file prefix; defaults to the questions file's `data_subtype` (e.g. val2014). */
  subtype?: string;
}

/**
 * VQA v2 questions (`v2_OpenEnded_mscoco_val2014_questions.json`) with, where given, their
 * annotations (`v2_mscoco_val2014_annotations.json`). Every annotation must belong to a
 * question with the same image, and every question needs an annotation once annotations are given.
 */
export function readVqa(
  questions: { text: string; file: string },
  annotations?: { text: string; file: string },
  options: VqaOptions = {},
): VqaDataset {
  const q = check(Questions, parseJson(questions.text, questions.file), questions.file, 'not VQA questions');
  const subtype = options.subtype ?? q.data_subtype;
  const rows: Row[] = [];
  const at: Location[] = [];
  const byQuestion = new Map<number, Row>();
  q.questions.forEach((x, i) => {
    if (byQuestion.has(x.question_id)) {
      throw dataError(DATA_CODES.duplicateId, `question id ${x.question_id} appears twice`, { file: questions.file, path: `/questions/${i}/question_id` });
    }
    const name = subtype ? `COCO_${subtype}_${String(x.image_id).padStart(12, '0')}.jpg` : `${x.image_id}.jpg`;
    const row: Row = {
      question_id: x.question_id,
      image_id: x.image_id,
      image: joinPath(options.imageRoot, name),
      question: x.question,
      answers: [],
      question_type: '',
      answer_type: '',
      multiple_choice_answer: '',
    };
    byQuestion.set(x.question_id, row);
    rows.push(row);
    at.push({ file: questions.file, path: `/questions/${i}` });
  });
  const answers = new Map<number, VqaAnswer[]>();
  if (annotations) {
    const a = check(Annotations, parseJson(annotations.text, annotations.file), annotations.file, 'not VQA annotations');
    a.annotations.forEach((x, i) => {
      const file = annotations.file;
      const row = byQuestion.get(x.question_id);
      if (!row) throw dataError(DATA_CODES.idMismatch, `annotation for question id ${x.question_id}, which is not in ${questions.file}`, { file, path: `/annotations/${i}/question_id` });
      if (row['image_id'] !== x.image_id) {
        throw dataError(DATA_CODES.idMismatch, `question ${x.question_id} is about image ${String(row['image_id'])} in the questions but image ${x.image_id} here`, { file, path: `/annotations/${i}/image_id` });
      }
      if (answers.has(x.question_id)) throw dataError(DATA_CODES.duplicateId, `a second annotation for question id ${x.question_id}`, { file, path: `/annotations/${i}/question_id` });
      answers.set(x.question_id, x.answers.map((r) => ({ answer: r.answer, answer_id: r.answer_id, answer_confidence: r.answer_confidence })));
      row['answers'] = x.answers.map((r) => r.answer);
      row['question_type'] = x.question_type;
      row['answer_type'] = x.answer_type;
      row['multiple_choice_answer'] = x.multiple_choice_answer;
    });
    const missing = rows.findIndex((r) => !answers.has(r['question_id'] as number));
    if (missing >= 0) {
      throw dataError(DATA_CODES.idMismatch, `question id ${String(rows[missing]!['question_id'])} has no annotation in ${annotations.file}`, at[missing]!);
    }
  }
  return { format: 'vqa', file: questions.file, columns: VQA_COLUMNS, rows, at, answers };
}

const VqaResults = z.array(z.looseObject({ question_id: id, answer: z.string() }));

/** The VQA results format submitted to the evaluation server: `[{ question_id, answer }]`. */
export function readVqaResults(text: string, file: string): Map<number, string> {
  const list = check(VqaResults, parseJson(text, file), file, 'not VQA results ([{ question_id, answer }])');
  const out = new Map<number, string>();
  list.forEach((r, i) => {
    if (out.has(r.question_id)) throw dataError(DATA_CODES.duplicateId, `a second answer for question id ${r.question_id}`, { file, path: `/${i}/question_id` });
    out.set(r.question_id, r.answer);
  });
  return out;
}
