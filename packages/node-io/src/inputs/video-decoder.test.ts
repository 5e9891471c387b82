import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { videoDecoder } from './media.ts';
import { ffmpegAvailable } from '@modalflow/media/node';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const hasFfmpeg = ffmpegAvailable();

const input = { media: { frames: 4, fps: 0, height: 16, width: 16 } };

describe.runIf(hasFfmpeg)('video files of a training manifest', () => {
  it('decodes a clip relative to the manifest folder once, and again only for other sampling settings', async () => {
    const decode = videoDecoder(`${ROOT}examples/video-qa`);
    const first = await decode('clips/test/001.webm', input);
    expect(first.dims).toEqual([4, 16, 16, 3]);
    expect(await decode('clips/test/001.webm', input)).toBe(first);
    const other = await decode('clips/test/001.webm', { media: { ...input.media, frames: 2 } });
    expect(other.dims).toEqual([2, 16, 16, 3]);
  });

  it('names a missing file each time it is asked for', async () => {
    const decode = videoDecoder(`${ROOT}examples/video-qa`);
    await expect(decode('clips/nope.webm', input)).rejects.toThrow(/MF_FILE_NOT_FOUND|does not exist/);
    await expect(decode('clips/nope.webm', input)).rejects.toThrow(/does not exist/);
  });
});
