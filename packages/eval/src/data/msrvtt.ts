import { z } from 'zod';
import type { Location } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { check, parseJson } from './json.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';

const VideoInfo = z.looseObject({
  videos: z.array(z.looseObject({ video_id: z.string().min(1), split: z.string().optional(), category: z.number().int().optional() })),
  sentences: z.array(z.looseObject({ video_id: z.string(), caption: z.string(), sen_id: z.number().int().optional() })),
});

export const VIDEO_CAPTION_COLUMNS: Column[] = [
  { name: 'video_id', kind: 'id', description: 'video id, e.g. video7010' },
  { name: 'video', kind: 'video', description: 'video file, <video_id>.mp4' },
  { name: 'split', kind: 'label', description: 'train, validate or test' },
  { name: 'captions', kind: 'texts', description: 'reference captions' },
];

/**
 * MSR-VTT caption files (`train_val_videodatainfo.json`, `test_videodatainfo.json`, and the
 * `MSRVTT_data.json` retrieval code bases share): `videos[]` and `sentences[]` joined on
 * `video_id`, one row per video.
 */
export function readMsrVtt(text: string, file: string, options: { videoRoot?: string; splits?: readonly string[] } = {}): Dataset {
  const doc = check(VideoInfo, parseJson(text, file), file, 'not MSR-VTT video info');
  const byId = new Map<string, { row: Row; captions: string[] }>();
  const rows: Row[] = [];
  const at: Location[] = [];
  doc.videos.forEach((v, i) => {
    if (byId.has(v.video_id)) throw dataError(DATA_CODES.duplicateId, `video id "${v.video_id}" appears twice`, { file, path: `/videos/${i}/video_id` });
    const captions: string[] = [];
    const row: Row = { video_id: v.video_id, video: joinPath(options.videoRoot, `${v.video_id}.mp4`), split: v.split ?? '', captions };
    byId.set(v.video_id, { row, captions });
    if (!options.splits || options.splits.includes(v.split ?? '')) {
      rows.push(row);
      at.push({ file, path: `/videos/${i}` });
    }
  });
  doc.sentences.forEach((s, i) => {
    const v = byId.get(s.video_id);
    if (!v) throw dataError(DATA_CODES.idMismatch, `caption for video "${s.video_id}", which is not in "videos"`, { file, path: `/sentences/${i}/video_id` });
    v.captions.push(s.caption);
  });
  return { format: 'msrvtt', file, columns: VIDEO_CAPTION_COLUMNS, rows, at };
}
