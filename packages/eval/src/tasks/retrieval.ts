import type { Dataset } from '../data/rows.ts';
import { retrievalRecall } from '../metrics/retrieval.ts';
import { worstFirst, type ReportSection } from '../report/report.ts';
import { idOf, mediaOf } from './columns.ts';

/** Each caption of a caption data set, with the index of the row (image, video, clip) it describes. */
export function captionsOf(ds: Dataset): { text: string; item: number }[] {
  return ds.rows.flatMap((r, item) => (r['captions'] as string[]).map((text) => ({ text, item })));
}

/**
 * Recall@1/5/10 both ways from `scores` [items, captions] row-major, where the captions are
 * `captionsOf(ds)` in order.
 */
export function evaluateRetrieval(ds: Dataset, scores: ArrayLike<number>): ReportSection {
  const captions = captionsOf(ds);
  const m = retrievalRecall(scores, ds.rows.length, captions.map((c) => c.item));
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.textToImage)) metrics[`text→image ${k}`] = v;
  for (const [k, v] of Object.entries(m.imageToText)) metrics[`image→text ${k}`] = v;
  Object.assign(metrics, {
    'mean recall': m.meanRecall,
    'text→image median rank': m.textToImageMedianRank,
    'text→image mean rank': m.textToImageMeanRank,
    'image→text median rank': m.imageToTextMedianRank,
    'image→text mean rank': m.imageToTextMeanRank,
  });
  const items = ds.rows.length;
  return {
    task: 'retrieval',
    metrics,
    breakdowns: [],
    worst: worstFirst(
      captions.map((c, t) => {
        let best = 0;
        for (let i = 1; i < items; i++) if (scores[i * captions.length + t]! > scores[best * captions.length + t]!) best = i;
        const right = ds.rows[c.item]!;
        return {
          id: `${String(idOf(right))} caption ${t}`,
          // Lower is worse: the negated rank of the right item.
          score: -m.textRanks[t]!,
          media: [...mediaOf(right), ...(best !== c.item ? mediaOf(ds.rows[best]!) : [])],
          text: c.text,
          prediction: `rank ${m.textRanks[t]}; top: ${String(idOf(ds.rows[best]!))}`,
          expected: [String(idOf(right))],
        };
      }),
    ),
    skipped: [],
    count: captions.length,
  };
}
