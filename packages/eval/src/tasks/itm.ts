import type { Location } from '@modalflow/core';
import type { Dataset, Row } from '../data/rows.ts';
import { itmMetrics } from '../metrics/itm.ts';
import { worstFirst, type ReportSection } from '../report/report.ts';
import { idOf, mediaOf } from './columns.ts';

/**
 * Image–text pairs for matching from a caption data set: every caption with its own item
 * (a match), and the same item with the first caption of the next item (a non-match), so the
 * two classes are equally many and the pairs are the same on every run.
 */
export function itmPairs(ds: Dataset): Dataset {
  const rows: Row[] = [];
  const at: Location[] = [];
  const n = ds.rows.length;
  ds.rows.forEach((r, i) => {
    const other = (ds.rows[(i + 1) % n]!['captions'] as string[])[0];
    for (const caption of r['captions'] as string[]) {
      rows.push({ ...r, caption, label: true });
      at.push(ds.at[i]!);
      if (n > 1 && other !== undefined) {
        rows.push({ ...r, caption: other, label: false });
        at.push(ds.at[i]!);
      }
    }
  });
  return { ...ds, rows, at };
}

/** ITM accuracy (match when p > threshold) and AUC of match probabilities for `itmPairs(ds)` rows. */
export function evaluateItm(pairs: Dataset, probabilities: readonly number[], threshold = 0.5): ReportSection {
  const labels = pairs.rows.map((r) => r['label'] as boolean);
  const m = itmMetrics(probabilities, labels, threshold);
  return {
    task: 'itm',
    metrics: { 'ITM accuracy': m.accuracy, 'ITM AUC': m.auc },
    breakdowns: [],
    worst: worstFirst(
      pairs.rows.map((r, i) => ({
        id: idOf(r),
        // Lower is worse: the probability given to the right answer.
        score: labels[i] ? probabilities[i]! : 1 - probabilities[i]!,
        media: mediaOf(r),
        text: r['caption'] as string,
        prediction: `p(match) = ${probabilities[i]!.toFixed(3)}`,
        expected: [labels[i] ? 'match' : 'no match'],
      })),
    ),
    skipped: [],
    count: labels.length,
  };
}
