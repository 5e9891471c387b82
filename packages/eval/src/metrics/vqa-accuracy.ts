import { ModalflowError } from '@modalflow/core';
import type { VqaAnswer } from '../data/vqa.ts';
import { normalizeAnswer, stripAnswer } from './vqa-normalize.ts';

export interface VqaQuestion {
  question_id: number;
  question_type: string;
  answer_type: string;
  answers: readonly VqaAnswer[];
}

export interface VqaResult {
  /** Overall accuracy in percent (unrounded; the official script prints it rounded to 2 places). */
  overall: number;
  perQuestionType: Record<string, number>;
  perAnswerType: Record<string, number>;
  /** Each question's accuracy in percent, by question id. */
  perQuestion: Map<number, number>;
}

function sameAnswer(a: VqaAnswer, b: VqaAnswer): boolean {
  return a.answer === b.answer && a.answer_id === b.answer_id && a.answer_confidence === b.answer_confidence;
}

/**
 * One question's VQA accuracy: for each of the (ten) annotators, min(1, #other annotators who
 * gave the prediction / 3), averaged over annotators. Answers are normalised only when the
 * annotators disagree, as in the official script; "other" annotators are those whose whole
 * answer record differs, which with distinct answer ids is every other one.
 */
export function vqaQuestionAccuracy(prediction: string, answers: readonly VqaAnswer[]): number {
  let res = stripAnswer(prediction);
  let gts = answers.map((a) => ({ ...a, answer: stripAnswer(a.answer) }));
  if (new Set(gts.map((a) => a.answer)).size > 1) {
    gts = gts.map((a) => ({ ...a, answer: normalizeAnswer(a.answer) }));
    res = normalizeAnswer(res);
  }
  let sum = 0;
  for (const gt of gts) {
    const matching = gts.filter((o) => !sameAnswer(o, gt) && o.answer === res).length;
    sum += Math.min(1, matching / 3);
  }
  return sum / gts.length;
}

/** `100 * sum(xs) / len(xs)` in the reference's order of operations, so the last bit agrees. */
const percent = (xs: number[]) => (100 * xs.reduce((a, b) => a + b, 0)) / xs.length;

/** VQA accuracy over questions, overall and by question and answer type, in percent. */
export function vqaAccuracy(questions: readonly VqaQuestion[], predictions: ReadonlyMap<number, string>): VqaResult {
  if (questions.length === 0) throw new ModalflowError('MF_METRIC_INPUT', 'no questions to evaluate', {});
  const all: number[] = [];
  const byQ: Record<string, number[]> = {};
  const byA: Record<string, number[]> = {};
  const perQuestion = new Map<number, number>();
  for (const q of questions) {
    const p = predictions.get(q.question_id);
    if (p === undefined) throw new ModalflowError('MF_METRIC_INPUT', `no prediction for question id ${q.question_id}`, {});
    if (q.answers.length === 0) throw new ModalflowError('MF_METRIC_INPUT', `question id ${q.question_id} has no ground-truth answers`, {});
    const acc = vqaQuestionAccuracy(p, q.answers);
    all.push(acc);
    (byQ[q.question_type] ??= []).push(acc);
    (byA[q.answer_type] ??= []).push(acc);
    perQuestion.set(q.question_id, 100 * acc);
  }
  const pct = (r: Record<string, number[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, percent(v)]));
  return { overall: percent(all), perQuestionType: pct(byQ), perAnswerType: pct(byA), perQuestion };
}
