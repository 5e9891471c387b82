import type { InputSpec } from '@modalflow/data';
import type { Colour, Shape, WorldExample, WorldOptions } from '@modalflow/world';
import type { WorldData } from './settings.ts';

/** World options for the panel's settings; regions are generated when the graph reads them. */
export function worldOptions(d: WorldData, inputs: readonly InputSpec[]): WorldOptions {
  const regions = inputs.some((i) => i.kind === 'regions' || /region|box/i.test(i.name));
  const vqa = inputs.some((i) => /question|answer/i.test(i.name));
  return {
    count: d.count,
    seed: d.seed,
    ...(d.heldOut.length ? { heldOut: d.heldOut.map(parseCombo) } : {}),
    ...(regions ? { task: 'regions' as const } : vqa ? { task: 'vqa' as const } : {}),
    ...(d.questions?.length ? { questions: d.questions } : {}),
  };
}

export function parseCombo(text: string): { colour: Colour; shape: Shape } {
  const [colour, shape] = text.trim().split('-') as [Colour, Shape];
  return { colour, shape };
}

/**
 * The examples the similarity view follows: the first `size` whose captions differ, so that a
 * row has exactly one right column and the diagonal is the whole answer.
 */
export function distinctCaptions(examples: readonly WorldExample[], size: number): WorldExample[] {
  const seen = new Set<string>();
  const out: WorldExample[] = [];
  for (const e of examples) {
    if (seen.has(e.caption)) continue;
    seen.add(e.caption);
    out.push(e);
    if (out.length === size) break;
  }
  return out;
}
