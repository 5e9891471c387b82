import { z } from 'zod';
import { DATA_CODES, dataError } from './errors.ts';
import { check, parseJson } from './json.ts';
import { lines } from './lines.ts';

/** A classifier's answer list: label i is `answers[i]`. */
export interface AnswerVocab {
  answers: string[];
  index: Map<string, number>;
}

function build(answers: string[], file: string, where: (i: number) => { path?: string; line?: number }): AnswerVocab {
  const index = new Map<string, number>();
  answers.forEach((a, i) => {
    if (index.has(a)) throw dataError(DATA_CODES.duplicateId, `answer "${a}" is listed twice`, { file, ...where(i) });
    index.set(a, i);
  });
  return { answers, index };
}

/**
 * Reads an answer vocabulary in any of the layouts the VQA models ship: a JSON list (index =
 * label), an answer-to-label object (LXMERT's `trainval_ans2label.json`), or a text file with one
 * answer per line (`.txt`).
 */
export async function readAnswerVocab(text: string, file: string): Promise<AnswerVocab> {
  if (!/\.json$/i.test(file)) {
    const answers: string[] = [];
    const lineOf: number[] = [];
    for await (const { text: t, line } of lines([text])) {
      if (t.trim() === '') continue;
      answers.push(t.trim());
      lineOf.push(line);
    }
    return build(answers, file, (i) => ({ line: lineOf[i]! }));
  }
  const doc = parseJson(text, file);
  if (Array.isArray(doc)) {
    const list = check(z.array(z.string()), doc, file, 'not an answer list');
    return build(list, file, (i) => ({ path: `/${i}` }));
  }
  const map = check(z.record(z.string(), z.number().int().nonnegative()), doc, file, 'not an answer list or an answer-to-label object');
  const answers: string[] = [];
  for (const [answer, label] of Object.entries(map)) {
    if (answers[label] !== undefined) {
      throw dataError(DATA_CODES.duplicateId, `label ${label} is given to "${answers[label]}" and "${answer}"`, { file, path: `/${answer}` });
    }
    answers[label] = answer;
  }
  for (let i = 0; i < answers.length; i++) {
    if (answers[i] === undefined) throw dataError(DATA_CODES.field, `no answer has label ${i} (labels must run 0..${answers.length - 1})`, { file });
  }
  return build(answers, file, (i) => ({ path: `/${answers[i]}` }));
}
