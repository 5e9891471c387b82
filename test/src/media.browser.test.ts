import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAudioClip } from '@modalflow/media';
import { openTestPage, type TestPage } from './browser-page.ts';

/**
 * Sound files decode and resample in Chromium to the same samples as in Node: the decoders and
 * libsamplerate are the same WebAssembly, so the editor and `modalflow run` feed a graph alike.
 */
const PAGE = fileURLToPath(new URL('./media-page/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../packages/media/fixtures/audio/', import.meta.url));
let opened: TestPage;

beforeAll(async () => {
  opened = await openTestPage(PAGE, { prepare: (dist) => cpSync(FIXTURES, path.join(dist, 'audio'), { recursive: true }) });
}, 180_000);
afterAll(async () => {
  await opened?.close();
});

describe('audio in Chromium', () => {
  it.each([
    ['pcm16_mono_16k.wav', 16000, 0],
    ['pcm24_stereo_22k.wav', 16000, 2000],
    ['float32_mono_44k.wav', 16000, 0],
    ['pcm16_mono_16k.flac', 8000, 0],
    ['pcm16_mono_16k.mp3', 16000, 4000],
  ])('%s resampled to %i Hz gives Node\'s samples', async (file, rate, samples) => {
    const node = await loadAudioClip(new Uint8Array(readFileSync(`${FIXTURES}${file}`)), file, { sampleRate: rate, samples });
    const web = await opened.page.evaluate(([u, r, s]) => window.decodeClip(u, r, s), [`./audio/${file}`, rate, samples] as [string, number, number]);
    expect('data' in web, JSON.stringify(web)).toBe(true);
    const data = (web as { data: number[] }).data;
    expect(data.length).toBe(node.length);
    let worst = 0;
    for (let k = 0; k < data.length; k++) worst = Math.max(worst, Math.abs(data[k]! - node[k]!));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('refuses a damaged file with the same code as Node', async () => {
    const web = await opened.page.evaluate(() => window.decodeClip('./audio/truncated_header.wav', 16000, 0));
    expect(web).toMatchObject({ code: 'MF_AUDIO_CORRUPT' });
  });
});
