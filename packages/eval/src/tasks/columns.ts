import type { Row } from '../data/rows.ts';

const ID_COLUMNS = ['question_id', 'identifier', 'image_id', 'video_id', 'audio_id', 'region_id'];
const MEDIA_COLUMNS = ['image', 'left_image', 'right_image', 'video', 'audio'];

/** The example's id: the first id column a row has. */
export function idOf(row: Row): string | number {
  for (const c of ID_COLUMNS) {
    const v = row[c];
    if (typeof v === 'string' || typeof v === 'number') return v;
  }
  return '';
}

/** The media files a row points at, for reports. */
export function mediaOf(row: Row): string[] {
  return MEDIA_COLUMNS.map((c) => row[c]).filter((v): v is string => typeof v === 'string' && v !== '');
}
