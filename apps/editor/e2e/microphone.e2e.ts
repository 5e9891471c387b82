import { afterEach, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, openEditor, type Session } from './browser.ts';
import { canvasInk } from './views.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

/** Chromium's fake microphone (a periodic beep), with the permission prompt answered yes: only this test's browser gets them. */
const FAKE_MICROPHONE = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Sound at 16 kHz, 1.5 s of it, into a log-mel spectrogram. */
const GRAPH = JSON.stringify({
  format: 'modalflow.graph',
  version: 1,
  meta: { title: 'Microphone to spectrogram' },
  seed: 1,
  nodes: [
    { id: 'audio', type: 'input.audio', typeVersion: 1, params: { sample_rate: 16000, samples: 24000, batch: 'A' }, ui: { x: 0, y: 0 } },
    { id: 'mel', type: 'preprocess.log_mel', typeVersion: 1, params: { sample_rate: 16000, n_fft: 400, hop_length: 160, n_mels: 40, f_min: 0, mel_scale: 'htk', norm: 'none', log: 'ln', eps: 1e-6 }, ui: { x: 300, y: 0 } },
    { id: 'out', type: 'output.tensor', typeVersion: 1, params: {}, ui: { x: 600, y: 0 } },
  ],
  edges: [
    { from: ['audio', 'audio'], to: ['mel', 'audio'] },
    { from: ['mel', 'mel'], to: ['out', 'value'] },
  ],
});

describe('recording from the microphone', () => {
  it('records a second and a half, draws its waveform and runs it through a spectrogram', async () => {
    session = await openEditor(baseUrl, { args: [...CHROMIUM_ARGS, ...FAKE_MICROPHONE] });
    const page = session.page;
    await page.getByTestId('open-input').setInputFiles({ name: 'mic.json', mimeType: 'application/json', buffer: Buffer.from(GRAPH) });
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe('Microphone to spectrogram');
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');

    const field = page.getByTestId('input-audio');
    const record = field.getByTestId('audio-audio-record');
    await record.click();
    await expect.poll(() => record.textContent()).toBe('Stop');
    await page.waitForTimeout(1600);
    await record.click();
    // Decoded by Web Audio, resampled to 16 kHz and fitted to the input's 24,000 samples.
    await expect.poll(() => field.locator('.mf-tensor-field__shape').textContent(), { timeout: 20_000 }).toBe('recording · [1, 24000] · 1.50 s');
    expect(await record.textContent()).toBe('Record');
    // Silence would draw a one-pixel line per column (2% of the canvas): the beep draws bars.
    const waveform = field.getByTestId('waveform');
    await expect.poll(() => canvasInk(waveform)).toBeGreaterThan(0.05);
    const loudest = await page.evaluate(() => {
      const v = (window as unknown as { modalflow: { editor: { getState(): { run: { inputs: Record<string, { tensor: { data: Float32Array } }> } } } } }).modalflow.editor.getState().run.inputs['audio']!.tensor.data;
      return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    });
    expect(loudest).toBeGreaterThan(0.05);

    await page.getByTestId('run-start').click();
    await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('done');
    const spectrogram = page.getByTestId('spectrogram-mel');
    await expect.poll(() => spectrogram.textContent()).toMatch(/40 bands × 1[45]\d frames/);
    expect(await canvasInk(spectrogram.locator('canvas'))).toBe(1);
  }, 60_000);
});
