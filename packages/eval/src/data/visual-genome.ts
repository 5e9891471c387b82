import { z } from 'zod';
import type { Location } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { check, parseJson } from './json.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';

const size = z.number().nonnegative();

const RegionDescriptions = z.array(
  z.looseObject({
    id: z.number().int(),
    regions: z.array(
      z.looseObject({ region_id: z.number().int(), image_id: z.number().int(), phrase: z.string(), x: z.number(), y: z.number(), width: size, height: size }),
    ),
  }),
);

export const VG_COLUMNS: Column[] = [
  { name: 'region_id', kind: 'id', description: 'region id' },
  { name: 'image_id', kind: 'id', description: 'Visual Genome image id' },
  { name: 'image', kind: 'image', description: 'image file, <image_id>.jpg' },
  { name: 'phrase', kind: 'text', description: 'the region description' },
  { name: 'box', kind: 'boxes', description: 'region box [x, y, width, height] in pixels', dims: [4] },
];

/**
 * Visual Genome region descriptions (`region_descriptions.json`): a list of images, each with
 * regions holding a phrase and a box. Gives one row per region.
 */
export function readVisualGenomeRegions(text: string, file: string, options: { imageRoot?: string } = {}): Dataset {
  const doc = check(RegionDescriptions, parseJson(text, file), file, 'not Visual Genome region descriptions');
  const rows: Row[] = [];
  const at: Location[] = [];
  const seen = new Set<number>();
  doc.forEach((img, i) => {
    img.regions.forEach((r, j) => {
      const path = `/${i}/regions/${j}`;
      if (r.image_id !== img.id) {
        throw dataError(DATA_CODES.idMismatch, `region ${r.region_id} names image ${r.image_id} inside image ${img.id}`, { file, path: `${path}/image_id` });
      }
      if (seen.has(r.region_id)) throw dataError(DATA_CODES.duplicateId, `region id ${r.region_id} appears twice`, { file, path: `${path}/region_id` });
      seen.add(r.region_id);
      rows.push({ region_id: r.region_id, image_id: img.id, image: joinPath(options.imageRoot, `${img.id}.jpg`), phrase: r.phrase, box: [r.x, r.y, r.width, r.height] });
      at.push({ file, path });
    });
  });
  return { format: 'visual-genome', file, columns: VG_COLUMNS, rows, at };
}

/**
 * Visual Genome as a caption data set: one row per image whose captions are its region
 * phrases, for image–phrase retrieval and for scoring dense descriptions.
 */
export function regionsAsCaptions(ds: Dataset): Dataset {
  const rows: Row[] = [];
  const at: Location[] = [];
  const byImage = new Map<number, string[]>();
  ds.rows.forEach((r, i) => {
    const id = r['image_id'] as number;
    let captions = byImage.get(id);
    if (!captions) {
      captions = [];
      byImage.set(id, captions);
      rows.push({ image_id: id, image: r['image'] as string, captions });
      at.push(ds.at[i]!);
    }
    captions.push(r['phrase'] as string);
  });
  return { format: ds.format, file: ds.file, columns: [VG_COLUMNS[1]!, VG_COLUMNS[2]!, { name: 'captions', kind: 'texts', description: 'region phrases' }], rows, at };
}
