import { ModalflowError } from '@modalflow/core';
import type { Dataset } from '../data/rows.ts';
import { captioningMetrics, JAVA_ONLY_METRICS, javaOnlyMetric } from '../metrics/captioning.ts';
import { worstFirst, type ReportSection } from '../report/report.ts';
import { mediaOf, idOf } from './columns.ts';

/**
 * Captioning metrics of `predictions` (caption by example id) against a caption data set
 * (COCO, Karpathy, Flickr30k, MSR-VTT, AudioCaps, Clotho): every example needs a prediction.
 */
export function evaluateCaptioning(ds: Dataset, predictions: ReadonlyMap<string | number, string>, asked: readonly string[] = []): ReportSection {
  const items = ds.rows.map((row, i) => {
    const id = idOf(row);
    const candidate = predictions.get(id) ?? predictions.get(String(id));
    if (candidate === undefined) throw new ModalflowError('MF_METRIC_INPUT', `no predicted caption for ${String(id)}`, ds.at[i]!);
    return { id, candidate, references: row['captions'] as string[], row };
  });
  const m = captioningMetrics(items);
  const skipped = asked
    .map((a) => a.toUpperCase())
    .filter((a): a is (typeof JAVA_ONLY_METRICS)[number] => (JAVA_ONLY_METRICS as readonly string[]).includes(a))
    .map((metric) => ({ metric, reason: javaOnlyMetric(metric).message.replace(/^MF_METRIC_UNAVAILABLE: /, '') }));
  return {
    task: 'captioning',
    metrics: { 'BLEU-1': m['BLEU-1'], 'BLEU-2': m['BLEU-2'], 'BLEU-3': m['BLEU-3'], 'BLEU-4': m['BLEU-4'], 'CIDEr-D': m['CIDEr-D'] },
    breakdowns: [],
    worst: worstFirst(
      items.map((it, i) => ({ id: it.id, score: m.perItem[i]!.cider, media: mediaOf(it.row), text: '', prediction: it.candidate, expected: [...it.references] })),
    ),
    skipped,
    count: items.length,
  };
}
