import type { InputSpec } from '@modalflow/data';
import type { Colour, Shape, WorldExample, WorldOptions } from '@modalflow/world';
import type { WorldData } from './settings.ts';

/**
 * The graph inputs a teaching-world example fills, by the kind of input, as `modalflow train`
 * fills them: the image input gets the picture; a text input the caption, or the question when
 * the graph answers questions; integer inputs the answer or the shape and colour labels.
 */
export function worldRow(example: WorldExample, inputs: readonly InputSpec[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const input of inputs) {
    const name = input.name.toLowerCase();
    if (input.kind === 'image') row[input.name] = example.image;
    else if (input.kind === 'text') row[input.name] = /question/.test(name) ? example.question : example.caption;
    else if (input.kind === 'regions' || name.includes('region') || name.includes('box')) {
      if (name.includes('box')) row[input.name] = example.boxes;
      else if (name.includes('mask')) row[input.name] = example.region_mask;
      else row[input.name] = example.regions;
    } else if (/answer/.test(name)) row[input.name] = example.answer_id;
    else if (/shape/.test(name)) row[input.name] = example.shape_id;
    else if (/colou?r/.test(name)) row[input.name] = example.colour_id;
    else if (/label|target|class/.test(name)) row[input.name] = example.answer_id ?? example.shape_id;
  }
  return row;
}

/** World options for the panel's settings; regions are generated when the graph reads them. */
export function worldOptions(d: WorldData, inputs: readonly InputSpec[]): WorldOptions {
  const regions = inputs.some((i) => i.kind === 'regions' || /region|box/i.test(i.name));
  const vqa = inputs.some((i) => /question|answer/i.test(i.name));
  return {
    count: d.count,
    seed: d.seed,
    ...(d.heldOut.length ? { heldOut: d.heldOut.map(parseCombo) } : {}),
    ...(regions ? { task: 'regions' as const } : vqa ? { task: 'vqa' as const } : {}),
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
