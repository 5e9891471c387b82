import { ModalflowError } from '@modalflow/core';
import type { VqaDataset } from '../data/vqa.ts';
import { vqaAccuracy } from '../metrics/vqa-accuracy.ts';
import { worstFirst, type ReportBreakdown, type ReportSection } from '../report/report.ts';
import { mediaOf } from './columns.ts';

function breakdown(title: string, values: Record<string, number>, counts: Map<string, number>): ReportBreakdown {
  return {
    title,
    columns: ['questions', 'accuracy'],
    rows: Object.entries(values)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([key, v]) => ({ key, values: [counts.get(key) ?? 0, v] })),
  };
}

/** VQA accuracy of predicted answers (by question id), overall and per question and answer type. */
export function evaluateVqa(ds: VqaDataset, predictions: ReadonlyMap<number, string>): ReportSection {
  if (ds.answers.size === 0) throw new ModalflowError('MF_METRIC_INPUT', 'VQA accuracy needs the annotations file (the ground-truth answers)', { file: ds.file });
  const questions = ds.rows.map((r) => ({
    question_id: r['question_id'] as number,
    question_type: r['question_type'] as string,
    answer_type: r['answer_type'] as string,
    answers: ds.answers.get(r['question_id'] as number)!,
  }));
  const m = vqaAccuracy(questions, predictions);
  const count = (key: 'question_type' | 'answer_type') => {
    const c = new Map<string, number>();
    for (const q of questions) c.set(q[key], (c.get(q[key]) ?? 0) + 1);
    return c;
  };
  return {
    task: 'vqa',
    metrics: { 'VQA accuracy': m.overall, ...Object.fromEntries(Object.entries(m.perAnswerType).map(([k, v]) => [`VQA accuracy (${k})`, v])) },
    breakdowns: [breakdown('By answer type', m.perAnswerType, count('answer_type')), breakdown('By question type', m.perQuestionType, count('question_type'))],
    worst: worstFirst(
      ds.rows.map((r) => ({
        id: r['question_id'] as number,
        score: m.perQuestion.get(r['question_id'] as number)!,
        media: mediaOf(r),
        text: r['question'] as string,
        prediction: predictions.get(r['question_id'] as number)!,
        expected: r['answers'] as string[],
      })),
    ),
    skipped: [],
    count: questions.length,
  };
}
