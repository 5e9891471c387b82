import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@modalflow/onnx';
import { trainEvents } from '../cli-capture.ts';

/**
 * The two examples train from the command line as their READMEs say, and reach the accuracy the
 * READMEs quote (a little below it, so the test does not depend on the last digit).
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'modalflow-train-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const train = (args: string[]) => trainEvents(args, ROOT);

const done = (events: Record<string, any>[]) => events.find((e) => e.type === 'done')!;

describe('modalflow train on the examples', () => {
  it('late fusion reaches 90% held-out accuracy on its generated data', async () => {
    const r = await train([
      'examples/late-fusion/tiny.json', '--data', 'examples/late-fusion/data/train', '--eval', 'examples/late-fusion/data/eval',
      '--epochs', '10', '--batch-size', '32', '--lr', '3e-3', '--seed', '0',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.events.filter((e) => e.type === 'step')).toHaveLength(320);
    expect(done(r.events).eval.metrics['loss.accuracy']).toBeGreaterThanOrEqual(0.9);
  }, 300_000);

  it('tiny CLIP aligns pictures and captions of the teaching world: 95% image-to-text retrieval on held-out pairs', async () => {
    const r = await train([
      'examples/clip/tiny.json', '--data', 'world:shapes?count=4096&seed=1', '--steps', '1000', '--batch-size', '32',
      '--lr', '2e-3', '--warmup', '50', '--schedule', 'cosine', '--clip-norm', '1', '--seed', '0',
    ]);
    expect(r.code, r.err).toBe(0);
    const steps = r.events.filter((e) => e.type === 'step');
    expect(steps[0]?.loss).toBeGreaterThan(3);
    const final = done(r.events);
    expect(final.eval.examples).toBeGreaterThan(300);
    expect(final.eval.metrics['contrastive.image_to_text']).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it('a tiny CLIP run resumed from a mid-run checkpoint ends with the same weights, bit for bit', async () => {
    const common = ['examples/clip/tiny.json', '--data', 'world:shapes?count=512&seed=2', '--batch-size', '16', '--lr', '2e-3', '--warmup', '5', '--clip-norm', '1', '--seed', '3'];
    const whole = path.join(work, 'whole.safetensors');
    const ckpt = path.join(work, 'half.ckpt.safetensors');
    const resumed = path.join(work, 'resumed.safetensors');
    // 30 steps cross an epoch boundary (25 batches of 16 per epoch), so resuming also restores the shuffle.
    expect((await train([...common, '--steps', '30', '--out', whole])).code).toBe(0);
    expect((await train([...common, '--steps', '15', '--checkpoint', ckpt])).code).toBe(0);
    const second = await train([...common, '--steps', '30', '--resume', ckpt, '--out', resumed]);
    expect(second.code, second.err).toBe(0);
    expect(second.events.find((e) => e.type === 'step')?.step).toBe(16);
    const a = readSafetensors(readFileSync(whole)).tensors;
    const b = readSafetensors(readFileSync(resumed)).tensors;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, t] of a) expect(Buffer.from((b.get(name)!.data as Float32Array).buffer).equals(Buffer.from((t.data as Float32Array).buffer)), name).toBe(true);
  }, 300_000);
});
