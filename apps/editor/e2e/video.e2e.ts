import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const FIXTURE = new URL('../../../packages/media/fixtures/video/', import.meta.url);
const COLOURS = (JSON.parse(readFileSync(new URL('colours.json', FIXTURE), 'utf8')) as { colours: [number, number, number][] }).colours;
const example = (path: string) => readFileSync(new URL(`../../../examples/${path}`, import.meta.url), 'utf8');

describe('a video input in the run panel', () => {
  it('decodes a dropped clip in the browser and shows the frames the command line would take', async () => {
    session = await openEditor(baseUrl, { args: CHROMIUM_ARGS });
    const page = session.page;
    const text = example('video-text/tiny.json');
    await page.getByTestId('open-input').setInputFiles({ name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(JSON.parse(text).meta.title);
    await page.getByTestId('btn-run-panel').click();
    const field = page.getByTestId('input-video');
    await field.locator('input[type=file]').setInputFiles({ name: 'counting.webm', mimeType: 'video/webm', buffer: readFileSync(new URL('counting.webm', FIXTURE)) });
    const strip = field.getByTestId('frame-strip');
    await strip.waitFor();
    await expect.poll(() => field.locator('.mf-tensor-field__shape').textContent()).toContain('[4, 32, 32, 3]');
    // 4 frames spread over 20: numpy.linspace(0, 19, 4).astype(int) = 0, 6, 12, 19; each frame's
    // flat colour names it.
    const means = await strip.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const w = c.height;
      return Array.from({ length: c.width / w }, (_, f) => {
        const at = (Math.floor(w / 2) * c.width + f * w + Math.floor(w / 2)) * 4;
        return [d[at]!, d[at + 1]!, d[at + 2]!];
      });
    });
    const named = means.map((m) => {
      const dist = COLOURS.map((c) => Math.hypot(c[0] - m[0]!, c[1] - m[1]!, c[2] - m[2]!));
      return dist.indexOf(Math.min(...dist));
    });
    expect(named).toEqual([0, 6, 12, 19]);
  }, 120_000);
});
