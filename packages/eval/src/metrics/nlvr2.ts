import { ModalflowError } from '@modalflow/core';

export interface Nlvr2Result {
  /** Accuracy in percent. */
  accuracy: number;
  /** Percent of sentences whose every image pair is judged right. */
  consistency: number;
}

/**
 * NLVR2 accuracy and consistency as the dataset's metrics.py computes them: a sentence is
 * identified by its example identifier with the image-pair part blanked.
 */
export function nlvr2Metrics(examples: readonly { identifier: string; label: boolean }[], predictions: ReadonlyMap<string, boolean>): Nlvr2Result {
  if (examples.length === 0) throw new ModalflowError('MF_METRIC_INPUT', 'no examples to evaluate', {});
  let correct = 0;
  const consistent = new Map<string, boolean>();
  for (const e of examples) {
    const p = predictions.get(e.identifier);
    if (p === undefined) throw new ModalflowError('MF_METRIC_INPUT', `no prediction for ${e.identifier}`, {});
    const parts = e.identifier.split('-');
    parts[2] = '';
    const sentence = parts.join('-');
    if (!consistent.has(sentence)) consistent.set(sentence, true);
    if (p === e.label) correct++;
    else consistent.set(sentence, false);
  }
  const good = [...consistent.values()].filter((v) => v).length;
  return { accuracy: (100 * correct) / examples.length, consistency: (100 * good) / consistent.size };
}
