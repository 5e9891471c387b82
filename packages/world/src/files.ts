import type { Tensor } from '@modalflow/core';
import type { Split } from './options.ts';
import { encodePng } from './png.ts';
import { formatWorldSpec } from './spec.ts';
import { SPLITS, splitWorld } from './split.ts';
import type { World, WorldExample } from './world.ts';

export interface WorldFilesOptions {
  /** Folder for the PNG files, relative to the manifests. */
  imageDir?: string;
}

/** One JSONL row; the columns are named like the graph inputs they feed. */
export type ManifestRow = Record<string, string | number | number[] | number[][]>;

/** Rows of a tensor [N, ...] as nested plain arrays (int64 as numbers) for JSON. */
function nested(t: Tensor): number[] | number[][] {
  const values = Array.from(t.data as ArrayLike<number | bigint>, Number);
  if (t.dims.length === 1) return values;
  const width = t.dims[1]!;
  const rows: number[][] = [];
  for (let i = 0; i < t.dims[0]!; i++) rows.push(values.slice(i * width, (i + 1) * width));
  return rows;
}

/**
 * The manifest row of one example for the world's task:
 *   caption: image, text (a CLIP-style pair)
 *   vqa:     image, question, answer, answer_id
 *   regions: question, regions.features, regions.boxes, region_mask, region_shapes,
 *            region_colours, answer, answer_id (and the image, to show what the regions describe)
 * Every row also carries id, split and the subject's colour, shape and position labels.
 */
export function manifestRow(world: World, e: WorldExample, imagePath: string): ManifestRow {
  const row: ManifestRow = { id: e.id, split: e.split, image: imagePath };
  const task = world.options.task;
  if (task === 'caption') {
    row.text = e.caption;
  } else {
    row.question = e.question;
    row.answer = e.answer;
    row.answer_id = e.answer_id;
  }
  if (task === 'regions' && e.regions && e.boxes && e.region_mask && e.region_shapes && e.region_colours) {
    row['regions.features'] = nested(e.regions);
    row['regions.boxes'] = nested(e.boxes);
    row.region_mask = nested(e.region_mask) as number[];
    row.region_shapes = nested(e.region_shapes) as number[];
    row.region_colours = nested(e.region_colours) as number[];
  }
  row.colour = e.colour;
  row.shape = e.shape;
  row.position = e.position;
  return row;
}

/**
 * Everything needed to write the world to disk or offer it as a download, keyed by relative
 * path: `<split>.jsonl` per non-empty split (train always), `images/<id>.png`, and `world.json`
 * with the spec and the vocabularies a graph's tokenizer and answer head need.
 */
export function worldFiles(world: World, options: WorldFilesOptions = {}): Record<string, string | Uint8Array> {
  const dir = (options.imageDir ?? 'images').replace(/\/+$/, '');
  const files: Record<string, string | Uint8Array> = {};
  const bySplit = splitWorld(world);
  for (const split of SPLITS) {
    const examples = bySplit[split];
    if (examples.length === 0 && split !== 'train') continue;
    files[`${split}.jsonl`] = examples.map((e) => {
      const path = dir === '' ? `${e.id}.png` : `${dir}/${e.id}.png`;
      files[path] = encodePng(e.image);
      return `${JSON.stringify(manifestRow(world, e, path))}\n`;
    }).join('');
  }
  files['world.json'] = `${JSON.stringify(worldInfo(world), null, 2)}\n`;
  return files;
}

function worldInfo(world: World): Record<string, unknown> {
  const counts = splitWorld(world);
  return {
    spec: formatWorldSpec(world.options),
    task: world.options.task,
    image_size: world.options.size,
    counts: Object.fromEntries(SPLITS.map((s: Split) => [s, counts[s].length])),
    words: world.words,
    tokenizer_vocabulary: world.tokenizerVocabulary,
    answers: world.answers,
  };
}
