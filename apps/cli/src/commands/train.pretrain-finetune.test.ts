import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainEvents } from '../cli-capture.ts';

/**
 * The pretrain-then-fine-tune lesson (examples/pretrain-finetune). The ITC + ITM + MLM graph
 * trains from the command line and its MLM and ITC losses fall in a short run; and the VQA cross-attention model
 * fine-tuned from the committed pretrained weights (--init) answers better after a short run than
 * the same model trained from scratch for the same steps. The 1,000-step pretraining that wrote
 * those weights is in the README.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MARGIN = 0.15;

const train = (args: string[]) => trainEvents(args, ROOT);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('pretrain then fine-tune lesson', () => {
  it('pretraining starts: in 80 steps the MLM loss falls by 10% and the ITC loss falls', async () => {
    const r = await train([
      'examples/pretrain-finetune/pretrain.json', '--data', 'world:shapes?count=4096&seed=1',
      '--steps', '80', '--batch-size', '32', '--lr', '3e-3', '--warmup', '20', '--clip-norm', '1', '--seed', '0',
    ]);
    expect(r.code, r.err).toBe(0);
    const steps = r.events.filter((e) => e.type === 'step');
    // MLM falls first; ITC, a 32-way choice among captions that differ by a word, slowly; ITM
    // stays at chance for the first hundred or so steps (the README's run: 70.8% at step 250).
    for (const [loss, factor] of [['itc_loss.loss', 1], ['mlm_loss.loss', 0.9]] as const) {
      const xs = steps.map((e) => e.metrics[loss] as number);
      expect(mean(xs.slice(-10)), loss).toBeLessThan(factor * mean(xs.slice(0, 10)));
    }
  }, 120_000);

  it('fine-tuning from the pretrained weights beats training from scratch at the same steps', async () => {
    const args = [
      'examples/vqa-fusion/cross-attention.json', '--data', 'world:shapes?task=vqa&count=2048&seed=1',
      '--steps', '150', '--batch-size', '32', '--lr', '3e-3', '--warmup', '30', '--schedule', 'cosine', '--clip-norm', '1', '--seed', '0',
    ];
    const tuned = await train([...args, '--init', 'examples/pretrain-finetune/pretrained.safetensors']);
    expect(tuned.code, tuned.err).toBe(0);
    expect(tuned.events.find((e) => e.type === 'init')!.seeded.sort()).toEqual(expect.arrayContaining(['head.0.weight']));
    const scratch = await train(args);
    expect(scratch.code, scratch.err).toBe(0);
    const acc = (r: typeof scratch) => r.events.find((e) => e.type === 'done')!.eval.metrics['loss.accuracy'] as number;
    expect(acc(tuned)).toBeGreaterThanOrEqual(acc(scratch) + MARGIN);
  }, 180_000);
});
