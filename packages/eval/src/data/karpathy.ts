import { z } from 'zod';
import type { Location } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { check, parseJson } from './json.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';

const KarpathySplits = z.object({
  dataset: z.string().optional(),
  images: z.array(
    z.looseObject({
      filepath: z.string().optional(),
      filename: z.string().min(1),
      imgid: z.number().int(),
      cocoid: z.number().int().optional(),
      split: z.enum(['train', 'val', 'test', 'restval']),
      sentences: z.array(z.looseObject({ raw: z.string(), tokens: z.array(z.string()).optional() })),
    }),
  ),
});

export const KARPATHY_COLUMNS: Column[] = [
  { name: 'image_id', kind: 'id', description: 'COCO id (cocoid) where there is one, else imgid' },
  { name: 'image', kind: 'image', description: 'image file (filepath/filename)' },
  { name: 'split', kind: 'label', description: 'train, val, test or restval' },
  { name: 'captions', kind: 'texts', description: 'reference captions (raw)' },
];

export interface KarpathyOptions {
  imageRoot?: string;
  /** Keep only these splits (the papers report on `test`: 5,000 COCO or 1,000 Flickr30k images). */
  splits?: readonly string[];
}

/**
 * Karpathy's splits (`dataset_coco.json`, `dataset_flickr30k.json`, `dataset_flickr8k.json`):
 * one entry per image with its split and sentences, the split every retrieval and captioning
 * paper since 2015 reports on.
 */
export function readKarpathy(text: string, file: string, options: KarpathyOptions = {}): Dataset {
  const doc = check(KarpathySplits, parseJson(text, file), file, "not a Karpathy split file (dataset_*.json)");
  const rows: Row[] = [];
  const at: Location[] = [];
  const seen = new Set<number>();
  doc.images.forEach((img, i) => {
    const imageId = img.cocoid ?? img.imgid;
    if (seen.has(imageId)) throw dataError(DATA_CODES.duplicateId, `image id ${imageId} appears twice`, { file, path: `/images/${i}` });
    seen.add(imageId);
    if (options.splits && !options.splits.includes(img.split)) return;
    const name = img.filepath ? `${img.filepath}/${img.filename}` : img.filename;
    rows.push({ image_id: imageId, image: joinPath(options.imageRoot, name), split: img.split, captions: img.sentences.map((s) => s.raw) });
    at.push({ file, path: `/images/${i}` });
  });
  return { format: 'karpathy', file, columns: KARPATHY_COLUMNS, rows, at };
}
