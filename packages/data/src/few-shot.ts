import { ModalflowError } from '@modalflow/core';
import type { Dataset } from './dataset.ts';

/**
 * The first `k` examples of each class, in data order: the few-shot training sets of a linear
 * probe. The class is the value of the graph's one integer input per example (the target of its
 * loss); a graph with none, or with several, cannot say what a class is. `setting` names the
 * option in that message (`--shots` on the command line).
 */
export async function fewShot(data: Dataset, k: number, label: string, setting = '--shots'): Promise<Dataset> {
  const targets = data.inputs.filter((i) => (i.dtype === 'int64' || i.dtype === 'int32') && i.kind === 'tensor' && (i.shape?.length ?? 1) === 1);
  if (targets.length !== 1) {
    const names = targets.map((t) => t.name).join(', ') || 'none';
    throw new ModalflowError('MF_DATA_FEW_SHOT', `${setting} needs exactly one integer input with one value per example to read classes from; the graph has ${targets.length} (${names})`, { file: label });
  }
  const target = targets[0]!.name;
  const taken = new Map<string, number>();
  const keep: number[] = [];
  // One row at a time: loading a row of a manifest may read a picture, and most rows are skipped.
  for (const row of data.rows) {
    const r = await data.loadBatch(0, 0, [row]);
    if (!r.ok) throw r.error;
    const cls = String(r.inputs[target]!.data[0]);
    const n = taken.get(cls) ?? 0;
    if (n >= k) continue;
    taken.set(cls, n + 1);
    keep.push(row);
  }
  return data.subset(keep);
}
