import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../cli-capture.ts';

/**
 * The multimodal autoencoder trains from the command line on the teaching world, and its
 * committed weights rebuild a caption from the shared code when run.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples/multimodal-autoencoder');

const cli = (args: string[]) => runCaptured(args, ROOT);

describe('modalflow train and run on the multimodal autoencoder', () => {
  it('300 steps on the world rebuild held-out captions and beat the mean picture on pixels', async () => {
    const r = await cli([
      'train', 'examples/multimodal-autoencoder/tiny.json', '--data', 'world:shapes?count=1024&seed=1', '--steps', '300',
      '--batch-size', '32', '--lr', '3e-3', '--warmup', '30', '--schedule', 'cosine', '--clip-norm', '1', '--seed', '0', '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const events = r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps).toHaveLength(300);
    const done = events.find((e) => e.type === 'done')!;
    expect(done.eval.examples).toBeGreaterThan(90);
    // Predicting the mean training picture scores 0.168 on the 4096-example world's test split.
    expect(done.eval.metrics['pixel_loss.loss']).toBeLessThan(0.12);
    expect(steps[0]!.metrics['pixel_loss.loss']).toBeGreaterThan(0.5);
    expect(done.eval.metrics['word_loss.accuracy']).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it('the trained weights rebuild the caption of a picture from its 16-number code', async () => {
    const r = await cli([
      'run', path.join(EXAMPLE, 'tiny.json'), '--device', 'cpu', '--json', '--weights', path.join(EXAMPLE, 'trained.safetensors'),
      '-i', `image=${path.join(EXAMPLE, 'picture.png')}`, '-i', 'caption=a blue triangle at the bottom',
    ]);
    expect(r.code, r.err).toBe(0);
    const { outputs } = JSON.parse(r.out) as { outputs: Record<string, { shape: number[]; data: number[] }> };
    expect(outputs['code']!.shape).toEqual([1, 16]);
    const [, positions, vocab] = outputs['word_logits']!.shape as [number, number, number];
    const scores = outputs['word_logits']!.data;
    const rebuilt = Array.from({ length: positions }, (_, t) => {
      const row = scores.slice(t * vocab, (t + 1) * vocab);
      return row.indexOf(Math.max(...row));
    });
    expect(rebuilt).toEqual(outputs['caption_ids']!.data.map(Number));
    const got = outputs['pixels']!.data;
    const want = outputs['target_pixels']!.data;
    const mse = got.reduce((a, v, i) => a + (v - want[i]!) ** 2, 0) / got.length;
    expect(mse).toBeLessThan(0.1);
  }, 120_000);
});
