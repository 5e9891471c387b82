import { z } from 'zod';
import { DATA_CODES, dataError } from './errors.ts';
import { check, parseJson } from './json.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';
import type { Location } from '@modalflow/core';

const id = z.number().int();

const CocoCaptions = z.object({
  images: z.array(z.looseObject({ id, file_name: z.string().min(1) })),
  annotations: z.array(z.looseObject({ id: id.optional(), image_id: id, caption: z.string() })),
});

export const CAPTION_COLUMNS: Column[] = [
  { name: 'image_id', kind: 'id', description: 'image id' },
  { name: 'image', kind: 'image', description: 'image file' },
  { name: 'captions', kind: 'texts', description: 'reference captions' },
];

export interface ImageRootOptions {
  /** Folder the image file names are relative to. */
  imageRoot?: string;
}

/**
 * COCO caption annotations (`captions_val2014.json`): `images[]` with ids and file names and
 * `annotations[]` with one caption each. Gives one row per image with all its captions, in the
 * order of `images`.
 */
export function readCocoCaptions(text: string, file: string, options: ImageRootOptions = {}): Dataset {
  const doc = check(CocoCaptions, parseJson(text, file), file, 'not COCO caption annotations');
  const rows: Row[] = [];
  const at: Location[] = [];
  const byId = new Map<number, string[]>();
  doc.images.forEach((img, i) => {
    if (byId.has(img.id)) throw dataError(DATA_CODES.duplicateId, `image id ${img.id} appears twice`, { file, path: `/images/${i}/id` });
    const captions: string[] = [];
    byId.set(img.id, captions);
    rows.push({ image_id: img.id, image: joinPath(options.imageRoot, img.file_name), captions });
    at.push({ file, path: `/images/${i}` });
  });
  doc.annotations.forEach((a, i) => {
    const captions = byId.get(a.image_id);
    if (!captions) throw dataError(DATA_CODES.idMismatch, `caption for image id ${a.image_id}, which is not in "images"`, { file, path: `/annotations/${i}/image_id` });
    captions.push(a.caption);
  });
  return { format: 'coco-captions', file, columns: CAPTION_COLUMNS, rows, at };
}

const CaptionResults = z.array(
  z.looseObject({
    image_id: z.union([id, z.string()]).optional(),
    video_id: z.string().optional(),
    audio_id: z.string().optional(),
    caption: z.string(),
  }),
);

/**
 * The COCO caption results format every captioning paper submits, `[{ image_id, caption }]`;
 * for video and audio, `video_id` or `audio_id` stands in for `image_id`.
 */
export function readCaptionResults(text: string, file: string): Map<number | string, string> {
  const list = check(CaptionResults, parseJson(text, file), file, 'not caption results ([{ image_id, caption }])');
  const out = new Map<number | string, string>();
  list.forEach((r, i) => {
    const key = r.image_id ?? r.video_id ?? r.audio_id;
    if (key === undefined) throw dataError(DATA_CODES.field, 'a result needs image_id (or video_id, audio_id)', { file, path: `/${i}` });
    if (out.has(key)) throw dataError(DATA_CODES.duplicateId, `a second caption for ${String(key)}`, { file, path: `/${i}` });
    out.set(key, r.caption);
  });
  return out;
}
