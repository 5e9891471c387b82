import type { Dataset } from '../data/rows.ts';
import { nlvr2Metrics } from '../metrics/nlvr2.ts';
import { worstFirst, type ReportSection } from '../report/report.ts';
import { mediaOf } from './columns.ts';

/** NLVR2 accuracy and consistency of predicted truth values (by identifier). */
export function evaluateNlvr2(ds: Dataset, predictions: ReadonlyMap<string, boolean>): ReportSection {
  const examples = ds.rows.map((r) => ({ identifier: r['identifier'] as string, label: r['label'] as boolean }));
  const m = nlvr2Metrics(examples, predictions);
  return {
    task: 'nlvr2',
    metrics: { accuracy: m.accuracy, consistency: m.consistency },
    breakdowns: [],
    worst: worstFirst(
      ds.rows.map((r) => {
        const p = predictions.get(r['identifier'] as string)!;
        return { id: r['identifier'] as string, score: p === r['label'] ? 1 : 0, media: mediaOf(r), text: r['sentence'] as string, prediction: String(p), expected: [String(r['label'])] };
      }),
    ),
    skipped: [],
    count: examples.length,
  };
}
