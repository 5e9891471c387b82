import type { Dataset } from '../data/rows.ts';
import { classification } from '../metrics/classification.ts';
import { worstFirst, type ReportSection } from '../report/report.ts';
import { idOf, mediaOf } from './columns.ts';

/**
 * Accuracy, top-5 and the confusion matrix (as a per-class breakdown) of scores [rows, classes]
 * against each row's label index.
 */
export function evaluateClassification(ds: Dataset, scores: ArrayLike<number>, classNames: readonly string[], labels: readonly number[], text: (i: number) => string = () => ''): ReportSection {
  const k = classNames.length;
  const m = classification(scores, k, labels, [1, 5].filter((x) => x <= k));
  return {
    task: 'classification',
    metrics: { accuracy: m.accuracy, ...Object.fromEntries(Object.entries(m.topK).filter(([n]) => n !== 'top-1')) },
    breakdowns: [
      {
        title: 'Per class (recall) and confusion matrix (rows: true class, columns: predicted)',
        columns: ['examples', 'recall', ...classNames],
        rows: classNames.map((name, c) => ({ key: name, values: [m.confusion[c]!.reduce((a, b) => a + b, 0), m.perClass[c]!, ...m.confusion[c]!] })),
      },
    ],
    worst: worstFirst(
      ds.rows.map((r, i) => ({
        id: idOf(r),
        score: scores[i * k + labels[i]!]! - scores[i * k + m.predicted[i]!]!,
        media: mediaOf(r),
        text: text(i),
        prediction: classNames[m.predicted[i]!]!,
        expected: [classNames[labels[i]!]!],
      })),
    ),
    skipped: [],
    count: labels.length,
  };
}
