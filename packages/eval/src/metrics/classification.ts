import { ModalflowError } from '@modalflow/core';

export interface ClassificationResult {
  /** Top-1 accuracy in percent. */
  accuracy: number;
  /** Top-k accuracy in percent for each k asked for. */
  topK: Record<string, number>;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Recall per class in percent (NaN for a class with no examples). */
  perClass: number[];
  /** Top-1 prediction per example. */
  predicted: number[];
}

/**
 * Accuracy, top-k accuracy and the confusion matrix from scores [examples, classes] row-major
 * (logits or probabilities: only their order matters). A class ties with the true one only if
 * it comes first, so constant scores do not count as right.
 */
export function classification(scores: ArrayLike<number>, classes: number, labels: readonly number[], ks: readonly number[] = [1, 5]): ClassificationResult {
  const n = labels.length;
  if (scores.length !== n * classes) throw new ModalflowError('MF_METRIC_INPUT', `the scores have ${scores.length} values, not ${n} examples × ${classes} classes`, {});
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const hits = new Map<number, number>(ks.map((k) => [k, 0]));
  const predicted: number[] = [];
  labels.forEach((y, e) => {
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new ModalflowError('MF_METRIC_INPUT', `example ${e} has label ${y}, outside 0..${classes - 1}`, {});
    const row = (c: number) => scores[e * classes + c]!;
    let best = 0;
    for (let c = 1; c < classes; c++) if (row(c) > row(best)) best = c;
    predicted.push(best);
    confusion[y]![best]!++;
    let ahead = 0;
    for (let c = 0; c < classes; c++) if (c !== y && (row(c) > row(y) || (row(c) === row(y) && c < y))) ahead++;
    for (const k of ks) if (ahead < k) hits.set(k, hits.get(k)! + 1);
  });
  const topK = Object.fromEntries(ks.map((k) => [`top-${k}`, (100 * hits.get(k)!) / n]));
  const perClass = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? (100 * row[c]!) / total : NaN;
  });
  const correct = confusion.reduce((a, row, c) => a + row[c]!, 0);
  return { accuracy: (100 * correct) / n, topK, confusion, perClass, predicted };
}
