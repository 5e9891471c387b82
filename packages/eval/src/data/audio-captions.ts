import type { Location } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { readCsv } from './csv.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';

export const AUDIO_CAPTION_COLUMNS: Column[] = [
  { name: 'audio_id', kind: 'id', description: 'clip id (AudioCaps youtube_id, Clotho file name)' },
  { name: 'audio', kind: 'audio', description: 'audio file' },
  { name: 'captions', kind: 'texts', description: 'reference captions' },
];

export interface AudioCaptionOptions {
  audioRoot?: string;
  /**
   * AudioCaps only: the clip's file name, from `{youtube_id}`, `{start_time}` and
   * `{audiocap_id}` (download scripts differ; the default is `{youtube_id}.wav`).
   */
  audioPattern?: string;
}

/**
 * Audio caption CSVs, told apart by their header: AudioCaps (`audiocap_id,youtube_id,start_time,caption`,
 * one caption per line, grouped here by clip) and Clotho (`file_name,caption_1..caption_5`).
 */
export async function readAudioCaptions(
  chunks: AsyncIterable<string> | Iterable<string>,
  file: string,
  options: AudioCaptionOptions = {},
): Promise<Dataset> {
  const rows: Row[] = [];
  const at: Location[] = [];
  const clips = new Map<string, string[]>();
  let layout: 'audiocaps' | 'clotho' | undefined;
  const pattern = options.audioPattern ?? '{youtube_id}.wav';
  for await (const { cells, line } of readCsv(chunks, file, [])) {
    layout ??= 'caption' in cells && 'youtube_id' in cells ? 'audiocaps' : 'file_name' in cells && 'caption_1' in cells ? 'clotho' : undefined;
    if (!layout) {
      throw dataError(DATA_CODES.csv, `the header is neither AudioCaps (audiocap_id,youtube_id,start_time,caption) nor Clotho (file_name,caption_1..caption_5): ${Object.keys(cells).join(',')}`, { file, line: 1 });
    }
    if (layout === 'clotho') {
      const name = cells['file_name']!;
      if (name === '') throw dataError(DATA_CODES.field, 'empty file_name', { file, line });
      const captions = Object.keys(cells).filter((k) => /^caption_\d+$/.test(k)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8))).map((k) => cells[k]!);
      rows.push({ audio_id: name, audio: joinPath(options.audioRoot, name), captions });
      at.push({ file, line });
      continue;
    }
    const yt = cells['youtube_id']!;
    if (yt === '') throw dataError(DATA_CODES.field, 'empty youtube_id', { file, line });
    const start = cells['start_time'] ?? '';
    if (start !== '' && !Number.isFinite(Number(start))) throw dataError(DATA_CODES.field, `start_time "${start}" is not a number`, { file, line });
    let captions = clips.get(yt);
    if (!captions) {
      captions = [];
      clips.set(yt, captions);
      const name = pattern.replace('{youtube_id}', yt).replace('{start_time}', start).replace('{audiocap_id}', cells['audiocap_id'] ?? '');
      rows.push({ audio_id: yt, audio: joinPath(options.audioRoot, name), captions });
      at.push({ file, line });
    }
    captions.push(cells['caption']!);
  }
  return { format: layout ?? 'audio-captions', file, columns: AUDIO_CAPTION_COLUMNS, rows, at };
}
