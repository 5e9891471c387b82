import { UsageError } from '@modalflow/node-io';

export type Task = 'captioning' | 'vqa' | 'retrieval' | 'classification' | 'nlvr2' | 'itm';

/** Each --metric name and the task that computes it. */
const METRICS: Record<string, Task> = {
  recall: 'retrieval',
  retrieval: 'retrieval',
  vqa: 'vqa',
  accuracy: 'classification',
  classification: 'classification',
  nlvr2: 'nlvr2',
  itm: 'itm',
  bleu: 'captioning',
  cider: 'captioning',
  captioning: 'captioning',
  meteor: 'captioning',
  spice: 'captioning',
};

export const METRIC_NAMES = Object.keys(METRICS);

/** The tasks the asked metrics need, in a stable order, with the names asked for each. */
export function tasksFor(metrics: readonly string[]): Map<Task, string[]> {
  const out = new Map<Task, string[]>();
  for (const m of metrics.flatMap((x) => x.split(',')).map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    const task = METRICS[m];
    if (!task) throw new UsageError(`unknown --metric "${m}" (known: ${METRIC_NAMES.join(', ')})`);
    out.set(task, [...(out.get(task) ?? []), m]);
  }
  if (out.size === 0) throw new UsageError(`give at least one --metric (${METRIC_NAMES.join(', ')})`);
  return out;
}
