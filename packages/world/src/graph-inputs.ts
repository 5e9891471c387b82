import type { WorldExample } from './world.ts';

/** What a graph input is, as far as filling it from the world goes (a plan input fits). */
export interface GraphInputLike {
  name: string;
  kind: string;
}

/**
 * The graph inputs a teaching-world example fills, by the kind and name of each input: the image
 * input gets the picture; a text input the caption, or the question when its name says so;
 * region inputs the region features, boxes or mask; integer inputs the answer id or the shape
 * and colour labels. The command line and the editor both fill batches this way.
 */
export function worldRow(example: WorldExample, inputs: readonly GraphInputLike[]): Record<string, unknown> {
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
