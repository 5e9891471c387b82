import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, openEditor, type Session } from './browser.ts';
import { ROOT, cliRun, rankings } from './cli.ts';
import { canvasInk, matrixShown } from './views.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const EXAMPLE = 'examples/audio-text';
const CLIPS = ['blue_square', 'green_triangle', 'red_circle', 'yellow_cross'];
const CAPTIONS = ['a yellow cross', 'a red circle', 'a blue square', 'a green triangle'];

describe('audio-text retrieval in the run panel', () => {
  it('decodes sound files, draws their waveform and spectrogram, and ranks the captions as modalflow run does', async () => {
    const files = CLIPS.map((c) => `${EXAMPLE}/clips/${c}.wav`);
    const cli = cliRun([`${EXAMPLE}/tiny.json`, '--weights', `${EXAMPLE}/trained.safetensors`, '--input', `audio=${JSON.stringify(files)}`, '--input', `text=${JSON.stringify(CAPTIONS)}`]);
    session = await openEditor(baseUrl, { args: CHROMIUM_ARGS });
    const page = session.page;
    const text = readFileSync(`${ROOT}${EXAMPLE}/tiny.json`, 'utf8');
    await page.getByTestId('open-input').setInputFiles({ name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(JSON.parse(text).meta.title);
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');
    await page.getByTestId('run-load-weights').setInputFiles(`${ROOT}${EXAMPLE}/trained.safetensors`);
    await expect.poll(() => page.getByTestId('run-weights').getAttribute('data-origin')).not.toBe('seeded');

    const field = page.getByTestId('input-audio');
    await field.locator('input[type=file]').setInputFiles(files.map((f) => `${ROOT}${f}`));
    // 8 kHz, 4,000 samples per clip (the input's settings), four clips.
    await expect.poll(() => field.locator('.mf-tensor-field__shape').textContent()).toContain('[4, 4000]');
    const waveform = field.getByTestId('waveform');
    await expect.poll(() => canvasInk(waveform)).toBeGreaterThan(0.05);
    await page.getByTestId('text-text').fill(CAPTIONS.join('\n'));

    await page.getByTestId('run-start').click();
    await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('run-status').getAttribute('data-status'), (await page.getByTestId('run-problems').count()) ? ((await page.getByTestId('run-problems').textContent()) ?? '') : '').toBe('done');

    // The spectrogram of the first clip: 32 mel bands, drawn in more than one colour.
    const spectrogram = page.getByTestId('spectrogram-mel');
    await expect.poll(() => spectrogram.textContent()).toContain('32 bands');
    const canvas = spectrogram.locator('canvas');
    expect(await canvasInk(canvas)).toBe(1);
    const colours = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return new Set(Array.from({ length: d.length / 4 }, (_, k) => `${d[4 * k]},${d[4 * k + 1]},${d[4 * k + 2]}`)).size;
    });
    expect(colours).toBeGreaterThan(16);

    // Clips are rows, captions columns: each clip's ranking of the captions is the command line's.
    const matrix = page.getByTestId('similarity-similarity');
    expect(await matrix.locator('h4').textContent()).toBe('Audio–text similarity');
    const shown = await matrixShown(matrix);
    const outputs = await cli;
    expect(shown.shape).toEqual(outputs['logits_per_audio']!.shape);
    const expected = rankings(outputs['logits_per_audio'] as { shape: number[]; data: number[] });
    expect(rankings(shown)).toEqual(expected);
    shown.data.forEach((v, k) => expect(Math.abs(v - (outputs['logits_per_audio']!.data[k] as number)), `cell ${k}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(v))));
    // The trained model puts each clip's own caption first.
    expect(expected.map((r) => CAPTIONS[r[0]!])).toEqual(CLIPS.map((c) => `a ${c.replace('_', ' ')}`));
  }, 120_000);
});
