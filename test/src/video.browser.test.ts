import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVideoFrames } from '@modalflow/media/node';
import { openTestPage, type TestPage } from './browser-page.ts';

/**
 * Video frames decoded in Chromium (mediabunny demuxing, WebCodecs decoding) are the frames
 * ffmpeg picks in Node: every frame of counting.webm is one flat colour of its own, so the
 * colour of a decoded frame says which frame it is, whatever the two decoders' YUV-to-RGB
 * rounding.
 */
const PAGE = fileURLToPath(new URL('./media-page/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../packages/media/fixtures/video/', import.meta.url));
const COLOURS = (JSON.parse(readFileSync(`${FIXTURES}colours.json`, 'utf8')) as { colours: [number, number, number][] }).colours;
const H = 12;
const W = 16;
let opened: TestPage;

beforeAll(async () => {
  opened = await openTestPage(PAGE, { prepare: (dist) => cpSync(FIXTURES, path.join(dist, 'video'), { recursive: true }) });
}, 180_000);
afterAll(async () => {
  await opened?.close();
});

/** Which fixture frame each decoded frame shows: the nearest colour to its mean, and how near. */
function identify(data: ArrayLike<number>, count: number): { frame: number; distance: number }[] {
  const size = H * W * 3;
  return Array.from({ length: count }, (_, f) => {
    const mean = [0, 0, 0];
    for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) mean[c]! += data[f * size + p * 3 + c]! / (H * W);
    const d = COLOURS.map((col) => Math.hypot(col[0] - mean[0]!, col[1] - mean[1]!, col[2] - mean[2]!));
    const frame = d.indexOf(Math.min(...d));
    return { frame, distance: d[frame]! };
  });
}

describe('video in Chromium', () => {
  it.each([
    ['uniform, 5 frames', 5, 0],
    ['uniform, 1 frame', 1, 0],
    ['uniform, more frames than the clip', 30, 0],
    ['4 per second', 6, 4],
    ['25 per second, past the end', 12, 25],
  ])('%s: the same frames as ffmpeg in Node', async (_label, frames, fps) => {
    const node = await readVideoFrames(`${FIXTURES}counting.webm`, { frames, fps, height: H, width: W });
    const web = await opened.page.evaluate(([f, r, h, w]) => window.decodeVideo('./video/counting.webm', f, r, h, w), [frames, fps, H, W] as [number, number, number, number]);
    expect('data' in web, JSON.stringify(web)).toBe(true);
    const got = web as { data: number[]; indices: number[]; frames: number; rate: number };
    expect(got.frames).toBe(node.probe.frames);
    expect(got.rate).toBeCloseTo(node.probe.rate, 6);
    expect(got.indices).toEqual(node.indices);
    const webFrames = identify(got.data, frames);
    const nodeFrames = identify(node.frames.data as Uint8Array, frames);
    expect(webFrames.map((f) => f.frame)).toEqual(node.indices);
    expect(nodeFrames.map((f) => f.frame)).toEqual(node.indices);
    // The file carries no colour matrix tag: ffmpeg converts its YUV with BT.601 and lands within
    // 2 levels of the true colour; the browser route tags such frames BT.601 too (Chromium's own
    // default, BT.709, landed up to about 35 away), so both read the same pixels within rounding.
    expect(Math.max(...nodeFrames.map((f) => f.distance))).toBeLessThan(4);
    expect(Math.max(...webFrames.map((f) => f.distance))).toBeLessThan(4);
    const nodeData = node.frames.data as Uint8Array;
    expect(Math.max(...got.data.map((v, i) => Math.abs(v - nodeData[i]!)))).toBeLessThanOrEqual(3);
  });

  it('refuses an empty file, a file without video and a cut-off file with coded errors', async () => {
    const err = (file: string) => opened.page.evaluate(([u, h, w]) => window.decodeVideo(u, 4, 0, h, w), [`./video/${file}`, H, W] as [string, number, number]);
    expect(await err('empty.mp4')).toMatchObject({ code: 'MF_VIDEO_EMPTY' });
    expect(await err('audio_only.webm')).toMatchObject({ code: 'MF_VIDEO_UNSUPPORTED' });
    expect(await err('truncated.webm')).toMatchObject({ code: 'MF_VIDEO_CORRUPT' });
    expect(await err('unknown_codec.avi')).toMatchObject({ code: expect.stringMatching(/^MF_VIDEO_(CORRUPT|UNSUPPORTED)$/) });
  });
});
