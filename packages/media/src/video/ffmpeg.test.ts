import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeVideo, readVideoFrames } from './ffmpeg.ts';

const DIR = fileURLToPath(new URL('../../fixtures/video/', import.meta.url));
const META = JSON.parse(readFileSync(`${DIR}colours.json`, 'utf8')) as { frames: number; colours: number[][] };

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The frame index whose colour is nearest the frame's mean colour. */
function frameNumber(data: Uint8Array, at: number, pixels: number): number {
  const mean = [0, 1, 2].map((c) => {
    let sum = 0;
    for (let p = 0; p < pixels; p++) sum += data[at + p * 3 + c]!;
    return sum / pixels;
  });
  let best = 0;
  let bestD = Infinity;
  META.colours.forEach((col, k) => {
    const d = col.reduce((acc, v, c) => acc + (v - mean[c]!) ** 2, 0);
    if (d < bestD) [best, bestD] = [k, d];
  });
  return best;
}

// ffmpeg is Debian's (`apt-get install -y ffmpeg`), the documented route for video in Node.
describe.runIf(hasFfmpeg())('readVideoFrames (ffmpeg)', () => {
  it('probes the generated clip: 20 VP9 frames at 10 fps', async () => {
    expect(await probeVideo(`${DIR}counting.webm`)).toMatchObject({ codec: 'vp9', frames: 20, rate: 10, width: 64, height: 48 });
  });

  it.each([
    [{ frames: 8, fps: 0 }, [0, 2, 5, 8, 10, 13, 16, 19]],
    [{ frames: 4, fps: 2 }, [0, 5, 10, 15]],
    [{ frames: 5, fps: 0.5 }, [0, 19, 19, 19, 19]],
    [{ frames: 3, fps: 0 }, [0, 9, 19]],
  ])('takes the documented frames (%j) and their pictures show those frames', async (sampling, want) => {
    const { frames, indices } = await readVideoFrames(`${DIR}counting.webm`, { ...sampling, height: 24, width: 32 });
    expect(indices).toEqual(want);
    expect(frames.dims).toEqual([want.length, 24, 32, 3]);
    const size = 24 * 32 * 3;
    const seen = want.map((_, k) => frameNumber(frames.data as Uint8Array, k * size, 24 * 32));
    expect(seen).toEqual(want);
  });

  it.each([
    ['empty.mp4', 'MF_VIDEO_EMPTY'],
    ['truncated.webm', 'MF_VIDEO_CORRUPT'],
    ['audio_only.webm', 'MF_VIDEO_UNSUPPORTED'],
    ['unknown_codec.avi', 'MF_VIDEO_UNSUPPORTED'],
  ])('refuses %s with %s naming the file', async (file, code) => {
    const e = await readVideoFrames(`${DIR}${file}`, { frames: 2, fps: 0, height: 8, width: 8 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code, at: { file: `${DIR}${file}` } });
    expect((e as Error).message).toContain(file);
  });
});

describe('readVideoFrames without ffmpeg', () => {
  it('says which program is missing and how to install it', async () => {
    const e = await readVideoFrames(`${DIR}counting.webm`, { frames: 2, fps: 0, height: 8, width: 8, ffprobe: '/nonexistent/ffprobe' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'MF_FFMPEG_MISSING' });
    expect((e as Error).message).toMatch(/needs \/nonexistent\/ffprobe, which was not found; install it \(Debian\/Ubuntu: apt-get install -y ffmpeg/);
  });
});
