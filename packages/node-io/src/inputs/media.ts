import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ModalflowError, type MediaSpec, type Tensor } from '@modalflow/core';
import { audioBatch, loadAudioClip } from '@modalflow/media';
import { readVideoFrames } from '@modalflow/media/node';
import { readUserFile } from '../files.ts';

export const AUDIO_EXTENSIONS = ['.wav', '.flac', '.mp3'];
export const VIDEO_EXTENSIONS = ['.mp4', '.webm', '.mkv', '.mov', '.avi', '.m4v', '.ogv'];

/**
 * The files one media input names: a file, a JSON list of files (`["a.wav","b.wav"]`, one clip
 * each, in that order), or a folder (its files with a known extension, sorted by name).
 */
export function mediaFiles(name: string, value: string, cwd: string, extensions: readonly string[]): string[] {
  const raw = value.startsWith('@') ? value.slice(1) : value;
  if (raw.trimStart().startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(raw);
    } catch {
      throw new ModalflowError('MF_BAD_INPUT', `input "${name}": ${raw.slice(0, 40)} is not a JSON list of file names`, { node: name });
    }
    if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string')) {
      throw new ModalflowError('MF_BAD_INPUT', `input "${name}": give a non-empty JSON list of file names`, { node: name });
    }
    return list.map((f) => path.resolve(cwd, f));
  }
  const file = path.resolve(cwd, raw);
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    throw new ModalflowError('MF_FILE_NOT_FOUND', `input "${name}": file "${raw}" does not exist`, { node: name, file });
  }
  if (!isDir) return [file];
  const files = readdirSync(file).filter((f) => extensions.includes(path.extname(f).toLowerCase())).sort();
  if (files.length === 0) throw new ModalflowError('MF_BAD_INPUT', `input "${name}": folder "${raw}" holds no ${extensions.join(', ')} files`, { node: name, file });
  return files.map((f) => path.join(file, f));
}

/** Several clips: rows of the outputs follow this order, so it is said once. */
function noteOrder(name: string, files: string[], cwd: string, note?: (line: string) => void): void {
  if (!note || files.length < 2) return;
  note(`input "${name}": ${files.length} clips, in this order: ${files.map((f) => path.relative(cwd, f) || f).map((f, k) => `${k} ${f}`).join(', ')}`);
}

/** Audio files -> float32 [clips, samples] at the input's rate (decoded, mono, resampled, fitted). */
export async function parseAudioInput(name: string, value: string, media: MediaSpec, cwd: string, note?: (line: string) => void): Promise<Tensor> {
  const files = mediaFiles(name, value, cwd, AUDIO_EXTENSIONS);
  noteOrder(name, files, cwd, note);
  const clips: Float32Array[] = [];
  for (const f of files) {
    clips.push(await loadAudioClip(await readUserFile(f, `audio for input "${name}"`), f, { sampleRate: media.sampleRate ?? 16000, samples: media.samples ?? 0 }));
  }
  return audioBatch(clips, files);
}

/** One sound file of a training manifest -> float32 [S] at the input's rate and length. */
export async function decodeAudio(bytes: Uint8Array, file: string, input: { media?: MediaSpec }): Promise<Tensor> {
  const clip = await loadAudioClip(bytes, file, { sampleRate: input.media?.sampleRate ?? 16000, samples: input.media?.samples ?? 0 });
  return { dtype: 'float32', dims: [clip.length], data: clip };
}

/** Video files -> uint8 [clips x frames, H, W, 3], each clip's sampled frames in order. */
export async function parseVideoInput(name: string, value: string, media: MediaSpec, cwd: string, note?: (line: string) => void): Promise<Tensor> {
  const files = mediaFiles(name, value, cwd, VIDEO_EXTENSIONS);
  noteOrder(name, files, cwd, note);
  const parts: Tensor[] = [];
  for (const f of files) {
    parts.push((await readVideoFrames(f, { frames: media.frames ?? 8, fps: media.fps ?? 0, height: media.height ?? 224, width: media.width ?? 224 })).frames);
  }
  const per = parts[0]!.data.length;
  const data = new Uint8Array(per * parts.length);
  parts.forEach((t, k) => data.set(t.data as Uint8Array, k * per));
  const [f, h, w] = parts[0]!.dims as [number, number, number];
  return { dtype: 'uint8', dims: [f * parts.length, h, w, 3], data };
}

/**
 * Video files of a training manifest -> uint8 [F, H, W, 3], sampled as input.video samples them
 * (ffmpeg). Paths are resolved against `dir` (the manifest's folder). Each file is decoded once
 * and kept: a training run reads every clip once per epoch, and a clip's frames are a few kB
 * against tens of milliseconds for starting ffmpeg.
 */
export function videoDecoder(dir: string): (file: string, input: { media?: MediaSpec }) => Promise<Tensor> {
  const seen = new Map<string, Promise<Tensor>>();
  return (file, input) => {
    const m = input.media ?? {};
    const abs = path.resolve(dir, file);
    const key = [abs, m.frames, m.fps, m.height, m.width].join('|');
    let clip = seen.get(key);
    if (!clip) {
      clip = readVideoFrames(abs, { frames: m.frames ?? 8, fps: m.fps ?? 0, height: m.height ?? 224, width: m.width ?? 224 }).then((r) => r.frames);
      // A failure is not kept, so the message names the file each time it is read.
      clip.catch(() => seen.delete(key));
      seen.set(key, clip);
    }
    return clip;
  };
}
