import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, openEditor, type Session } from './browser.ts';
import { ffmpegAvailable, readVideoFrames } from '@modalflow/media/node';
import { ROOT, cliRun, rankings } from './cli.ts';
import { canvasInk, matrixShown } from './views.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const EXAMPLE = 'examples/video-text';
const CAPTIONS = JSON.parse(readFileSync(`${ROOT}${EXAMPLE}/captions.json`, 'utf8')) as Record<string, string>;

const hasFfmpeg = ffmpegAvailable();

// The command line reads video with ffmpeg (the documented route in Node).
describe.runIf(hasFfmpeg)('video-text retrieval in the run panel', () => {
  it('decodes the committed clips in the browser and ranks the captions as modalflow run does', async () => {
    const files = Object.keys(CAPTIONS).sort().map((f) => `${EXAMPLE}/${f}`);
    // Captions in another order than the clips, so that a right answer is not the diagonal by chance.
    const captions = Object.values(CAPTIONS).reverse();
    const cli = cliRun([`${EXAMPLE}/tiny.json`, '--weights', `${EXAMPLE}/clip-tiny.safetensors`, '--input', `video=${JSON.stringify(files)}`, '--input', `text=${JSON.stringify(captions)}`]);
    session = await openEditor(baseUrl, { args: CHROMIUM_ARGS });
    const page = session.page;
    await page.getByTestId('btn-examples').click();
    await page.getByTestId('example-tiny-video-text').click();
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(JSON.parse(readFileSync(`${ROOT}${EXAMPLE}/tiny.json`, 'utf8')).meta.title);
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');
    await page.getByTestId('run-load-weights').setInputFiles(`${ROOT}${EXAMPLE}/clip-tiny.safetensors`);
    await expect.poll(() => page.getByTestId('run-weights').getAttribute('data-origin')).not.toBe('seeded');

    const field = page.getByTestId('input-video');
    await field.locator('input[type=file]').setInputFiles(files.map((f) => `${ROOT}${f}`));
    // Six clips of 4 frames each, one after another.
    await expect.poll(() => field.locator('.mf-tensor-field__shape').textContent(), { timeout: 30_000 }).toContain('[24, 32, 32, 3]');
    expect(await canvasInk(field.getByTestId('frame-strip'))).toBe(1);
    // The frames the command line reads with ffmpeg, within rounding: the browser converts YUV to
    // RGB with the same BT.601 matrix (the clips leave it unspecified) but its own rounding.
    const browserFrames = await page.evaluate(() => Array.from((window as unknown as { modalflow: { editor: { getState(): { run: { inputs: Record<string, { tensor: { data: Uint8Array } }> } } } } }).modalflow.editor.getState().run.inputs['video']!.tensor.data));
    let worst = 0;
    let total = 0;
    for (const [k, f] of files.entries()) {
      const { frames } = await readVideoFrames(`${ROOT}${f}`, { frames: 4, fps: 0, height: 32, width: 32 });
      (frames.data as Uint8Array).forEach((v, i) => {
        const d = Math.abs(v - browserFrames[k * frames.data.length + i]!);
        worst = Math.max(worst, d);
        total += d;
      });
    }
    expect(worst).toBeLessThanOrEqual(3);
    expect(total / browserFrames.length).toBeLessThan(0.5);
    await page.getByTestId('text-text').fill(captions.join('\n'));

    await page.getByTestId('run-start').click();
    await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('run-status').getAttribute('data-status'), (await page.getByTestId('run-problems').count()) ? ((await page.getByTestId('run-problems').textContent()) ?? '') : '').toBe('done');

    const matrix = page.getByTestId('similarity-similarity');
    expect(await matrix.locator('h4').textContent()).toBe('Video–text similarity');
    const shown = await matrixShown(matrix);
    const outputs = await cli;
    expect(shown.shape).toEqual([6, 6]);
    const expected = rankings(outputs['logits_per_video'] as { shape: number[]; data: number[] });
    expect(rankings(shown)).toEqual(expected);
    // Frames equal within a level or two give logits (scaled by 100) within a few tenths.
    shown.data.forEach((v, k) => expect(Math.abs(v - (outputs['logits_per_video']!.data[k] as number)), `cell ${k}`).toBeLessThan(0.5));
    // Each clip's own caption ranks first.
    expect(expected.map((r) => captions[r[0]!])).toEqual(files.map((f) => CAPTIONS[f.slice(EXAMPLE.length + 1)]));
  }, 120_000);
});
