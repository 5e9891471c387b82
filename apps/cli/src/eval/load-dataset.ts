import { createReadStream, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ModalflowError } from '@modalflow/core';
import {
  DATA_CODES,
  readAudioCaptions,
  readCocoCaptions,
  readFlickr30kTokens,
  readKarpathy,
  readMsrVtt,
  readNlvr2,
  readVisualGenomeRegions,
  readVqa,
  type Dataset,
  type VqaDataset,
} from '@modalflow/eval';
import { readUserText, UsageError } from '@modalflow/node-io';

export const DATASET_FORMATS = ['coco-captions', 'karpathy', 'flickr30k', 'vqa', 'visual-genome', 'audio-captions', 'msrvtt', 'nlvr2'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface DatasetOptions {
  format?: string;
  /** VQA annotations file. */
  annotations?: string;
  /** Folder the data set's image, audio or video file names are relative to. */
  media?: string;
  split?: string[];
  /** AudioCaps file names, e.g. {youtube_id}_{start_time}.wav. */
  audioPattern?: string;
}

/** Streams a text file in chunks; a missing file is reported as the user's mistake, not a crash. */
async function* textStream(file: string): AsyncGenerator<string> {
  await readable(file);
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) yield chunk as string;
}

async function readable(file: string): Promise<void> {
  if (!existsSync(file)) throw new ModalflowError('MF_FILE_NOT_FOUND', `data file "${file}" does not exist`, { file });
  if (statSync(file).isDirectory()) throw new ModalflowError('MF_FILE_UNREADABLE', `data file "${file}" is a directory, not a file`, { file });
}

/** Formats read line by line, streamed from disk. */
const LINE_FORMATS: readonly DatasetFormat[] = ['flickr30k', 'audio-captions', 'nlvr2'];

/** The format a file name gives away, if it does. */
export function formatFromName(file: string): DatasetFormat | undefined {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.token') || base.endsWith('.token.txt')) return 'flickr30k';
  if (base.endsWith('.csv')) return 'audio-captions';
  if (base.endsWith('.jsonl')) return 'nlvr2';
  return undefined;
}

/** The format of a JSON document, from its top-level keys. */
export function formatFromJson(file: string, text: string): DatasetFormat {
  const head = text.slice(0, 4096);
  if (/^\s*\[\s*\{/.test(head) && /"regions"\s*:/.test(head)) return 'visual-genome';
  if (/^\s*\{\s*"identifier"\s*:/.test(head) || /"identifier"\s*:[^\n]*\n\s*\{/.test(head)) return 'nlvr2';
  if (/"questions"\s*:/.test(text)) return 'vqa';
  if (/"videos"\s*:/.test(text) && /"sentences"\s*:/.test(text)) return 'msrvtt';
  if (/"imgid"\s*:/.test(text) && /"sentences"\s*:/.test(text)) return 'karpathy';
  if (/"annotations"\s*:/.test(text) && /"images"\s*:/.test(text)) return 'coco-captions';
  throw new UsageError(`cannot tell the format of "${file}"; give --format (${DATASET_FORMATS.join(', ')})`);
}

/** Reads a data set from disk in any supported format. */
export async function loadDataset(file: string, opts: DatasetOptions, cwd: string): Promise<Dataset | VqaDataset> {
  const resolved = path.resolve(cwd, file);
  const media = opts.media ? path.resolve(cwd, opts.media) : path.dirname(resolved);
  if (opts.format !== undefined && !(DATASET_FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(`unknown --format "${opts.format}" (known: ${DATASET_FORMATS.join(', ')})`);
  }
  let format = (opts.format as DatasetFormat | undefined) ?? formatFromName(resolved);
  let text = '';
  if (!format || !LINE_FORMATS.includes(format)) text = await readUserText(resolved, 'data file');
  format ??= formatFromJson(resolved, text);
  if (LINE_FORMATS.includes(format)) text = '';
  switch (format) {
    case 'coco-captions':
      return readCocoCaptions(text, resolved, { imageRoot: media });
    case 'karpathy':
      return readKarpathy(text, resolved, { imageRoot: media, ...(opts.split ? { splits: opts.split } : {}) });
    case 'flickr30k':
      return readFlickr30kTokens(textStream(resolved), resolved, { imageRoot: media });
    case 'vqa': {
      const annotations = opts.annotations ? path.resolve(cwd, opts.annotations) : undefined;
      return readVqa({ text, file: resolved }, annotations ? { text: await readUserText(annotations, 'annotations file'), file: annotations } : undefined, { imageRoot: media });
    }
    case 'visual-genome':
      return readVisualGenomeRegions(text, resolved, { imageRoot: media });
    case 'audio-captions':
      return readAudioCaptions(textStream(resolved), resolved, { audioRoot: media, ...(opts.audioPattern ? { audioPattern: opts.audioPattern } : {}) });
    case 'msrvtt':
      return readMsrVtt(text, resolved, { videoRoot: media, ...(opts.split ? { splits: opts.split } : {}) });
    case 'nlvr2':
      return readNlvr2(textStream(resolved), resolved, { imageRoot: media });
  }
}

/**
 * Checks that every media file the named columns point at exists, reporting the first missing
 * one at the row it came from.
 */
export function checkMedia(ds: Dataset, columns: readonly string[]): void {
  ds.rows.forEach((row, i) => {
    for (const c of columns) {
      const f = row[c];
      if (typeof f === 'string' && !existsSync(f)) {
        throw new ModalflowError(DATA_CODES.missingFile, `${c} file "${f}" does not exist (give the folder with --media)`, ds.at[i]!);
      }
    }
  });
}
