import { parseGraph, type GraphDoc } from '@modalflow/core';

// The lesson graphs that are not an example's graph.json or tiny.json, bundled as text at build time.
const files = import.meta.glob<string>(
  [
    '../../../../examples/vqa-fusion/*.json',
    '../../../../examples/reinforce/*.json',
    '../../../../examples/distillation/*.json',
    '../../../../examples/linear-probe/*.json',
    '../../../../examples/coop/*.json',
    '../../../../examples/pretrain-finetune/*.json',
  ],
  { query: '?raw', import: 'default', eager: true },
);

/** `examples/<folder>/<file>.json` as a document, or null when it is not bundled or does not load. */
export function lessonFile(path: string, sources: Record<string, string> = files): GraphDoc | null {
  const entry = Object.entries(sources).find(([k]) => k.endsWith(`/${path}`));
  if (!entry) return null;
  try {
    return parseGraph(entry[1], { file: path });
  } catch {
    return null;
  }
}
