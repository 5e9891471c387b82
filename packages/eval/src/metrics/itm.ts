import { ModalflowError } from '@modalflow/core';

export interface ItmResult {
  /** Accuracy in percent with "match" predicted when score > threshold. */
  accuracy: number;
  /** Area under the ROC curve, in 0..1. */
  auc: number;
  threshold: number;
}

/**
 * Image–text matching: accuracy at a threshold and ROC AUC. The AUC is the Mann–Whitney
 * statistic, P(score of a match > score of a non-match) with ties counted one half, which is
 * the area under the ROC curve drawn through every distinct score (as scikit-learn computes it).
 */
export function itmMetrics(scores: readonly number[], labels: readonly boolean[], threshold = 0.5): ItmResult {
  if (scores.length !== labels.length || scores.length === 0) {
    throw new ModalflowError('MF_METRIC_INPUT', `need one label per score (${scores.length} scores, ${labels.length} labels)`, {});
  }
  const pos = labels.filter((l) => l).length;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) throw new ModalflowError('MF_METRIC_INPUT', 'AUC needs both matching and non-matching pairs', {});
  const correct = scores.filter((s, i) => s > threshold === labels[i]).length;
  // Rank-sum with average ranks for ties: O(n log n).
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]![1]]) rankSum += avg;
    i = j + 1;
  }
  const auc = (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
  return { accuracy: (100 * correct) / scores.length, auc, threshold };
}
