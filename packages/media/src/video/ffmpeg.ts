import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { sampleFrameIndices, type FrameSampling } from './sample.ts';

export interface VideoFramesOptions extends FrameSampling {
  height: number;
  width: number;
  /** Program names or paths; `MODALFLOW_FFMPEG` / `MODALFLOW_FFPROBE` override the defaults. */
  ffmpeg?: string;
  ffprobe?: string;
}

export interface VideoProbe {
  codec: string;
  frames: number;
  rate: number;
  width: number;
  height: number;
}

/** Whether ffmpeg (or the program `MODALFLOW_FFMPEG` names) runs here; video is optional, so callers can skip it. */
export function ffmpegAvailable(ffmpeg = process.env['MODALFLOW_FFMPEG'] ?? 'ffmpeg'): boolean {
  return spawnSync(ffmpeg, ['-version'], { stdio: 'ignore' }).status === 0;
}

const INSTALL = 'install it (Debian/Ubuntu: apt-get install -y ffmpeg; macOS: brew install ffmpeg) or name it with MODALFLOW_FFMPEG';

function run(cmd: string, args: string[], file: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(new ModalflowError('MF_FFMPEG_MISSING', `reading video "${file}" needs ${cmd}, which was not found; ${INSTALL}`, { file }));
      } else reject(e);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1)?.trim() ?? 'no message';
}

function rateOf(text: string | undefined): number {
  const [a, b] = (text ?? '0/1').split('/').map(Number) as [number, number];
  return b ? a / b : a;
}

/** Codec, frame count (packets of the first video stream), frame rate and size, from ffprobe. */
export async function probeVideo(file: string, ffprobe = process.env['MODALFLOW_FFPROBE'] ?? 'ffprobe'): Promise<VideoProbe> {
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    throw new ModalflowError('MF_FILE_NOT_FOUND', `video "${file}" does not exist`, { file });
  }
  if (bytes === 0) throw new ModalflowError('MF_VIDEO_EMPTY', `"${file}" is empty (0 bytes)`, { file });
  const r = await run(ffprobe, ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_type,codec_name,nb_read_packets,avg_frame_rate,r_frame_rate,width,height', '-of', 'json', file], file);
  if (r.code !== 0) {
    const why = lastLine(r.stderr);
    throw new ModalflowError('MF_VIDEO_CORRUPT', `"${file}" is not a readable video (ffprobe: ${why})`, { file });
  }
  type Stream = { codec_type?: string; codec_name?: string; nb_read_packets?: string; avg_frame_rate?: string; r_frame_rate?: string; width?: number; height?: number };
  const streams = (JSON.parse(r.stdout.toString('utf8') || '{}') as { streams?: Stream[] }).streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  if (!v) throw new ModalflowError('MF_VIDEO_UNSUPPORTED', `"${file}" holds no video stream (${streams.map((s) => s.codec_type).join(', ') || 'no streams'})`, { file });
  if (!v.codec_name || v.codec_name === 'none') {
    throw new ModalflowError('MF_VIDEO_UNSUPPORTED', `"${file}": its video codec is unknown to this ffmpeg, so no frame can be decoded`, { file });
  }
  const frames = Number(v.nb_read_packets ?? 0);
  if (!(frames > 0)) throw new ModalflowError('MF_VIDEO_EMPTY', `"${file}" holds no frames (a zero-length clip)`, { file });
  const avg = rateOf(v.avg_frame_rate);
  return { codec: v.codec_name, frames, rate: avg > 0 ? avg : rateOf(v.r_frame_rate), width: v.width ?? 0, height: v.height ?? 0 };
}

/**
 * Decodes the sampled frames of one clip as RGB uint8 [F, H, W, 3] with ffmpeg: frames are
 * chosen by their decode index n (the select filter), so the choice does not depend on
 * timestamps or seeking, then scaled (bilinear) to height x width.
 */
export async function readVideoFrames(file: string, o: VideoFramesOptions): Promise<{ frames: Tensor; indices: number[]; probe: VideoProbe }> {
  const probe = await probeVideo(file, o.ffprobe);
  const indices = sampleFrameIndices(probe.frames, probe.rate, o);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  const select = unique.map((n) => `eq(n\\,${n})`).join('+');
  const ffmpeg = o.ffmpeg ?? process.env['MODALFLOW_FFMPEG'] ?? 'ffmpeg';
  const r = await run(ffmpeg, ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-vf', `select='${select}',scale=${o.width}:${o.height}:flags=bilinear`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], file);
  const size = o.height * o.width * 3;
  if (r.code !== 0) {
    const why = lastLine(r.stderr);
    const code = /decoder|codec/i.test(why) ? 'MF_VIDEO_UNSUPPORTED' : 'MF_VIDEO_CORRUPT';
    throw new ModalflowError(code, `"${file}": ffmpeg could not decode it (${why})`, { file });
  }
  const got = Math.floor(r.stdout.length / size);
  if (got < unique.length) {
    throw new ModalflowError('MF_VIDEO_CORRUPT', `"${file}": ${probe.frames} frames were declared but only ${got} of the ${unique.length} sampled ones (up to frame ${unique.at(-1)}) could be decoded${r.stderr ? ` (${lastLine(r.stderr)})` : ''}`, { file });
  }
  const data = new Uint8Array(indices.length * size);
  indices.forEach((n, k) => {
    const at = unique.indexOf(n) * size;
    data.set(r.stdout.subarray(at, at + size), k * size);
  });
  return { frames: { dtype: 'uint8', dims: [indices.length, o.height, o.width, 3], data }, indices, probe };
}
