import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import { trainEvents } from '../cli-capture.ts';
import type { Io } from '../io.ts';

/**
 * The linear-probe lesson (examples/linear-probe): a linear layer on the frozen image features of
 * the tiny CLIP, trained on 5 labelled pictures per shape. Started from CLIP's trained weights
 * (--init) it names the shape far better than the same probe on the seeded, untrained encoder,
 * which stays near chance (25%): what contrastive pretraining put into the features.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GRAPH = 'examples/linear-probe/graph.json';
const ARGS = ['--data', 'world:shapes?count=4096&seed=1', '--shots', '5', '--steps', '200', '--batch-size', '20', '--lr', '1e-2', '--seed', '0'];

const train = (args: string[]) => trainEvents([GRAPH, ...ARGS, ...args], ROOT);

describe('linear probe lesson', () => {
  it('5 pictures per shape: CLIP features beat untrained features by 15 points, with only the probe trained', async () => {
    const pretrained = await train(['--init', 'examples/linear-probe/clip.safetensors']);
    expect(pretrained.code, pretrained.err).toBe(0);
    const init = pretrained.events.find((e) => e.type === 'init')!;
    expect(init.seeded.sort()).toEqual(['probe.bias', 'probe.weight']);
    expect(init.unused.length).toBeGreaterThan(0);
    const random = await train([]);
    expect(random.code, random.err).toBe(0);
    const acc = (r: typeof random) => r.events.find((e) => e.type === 'done')!.eval.metrics['loss.accuracy'] as number;
    expect(acc(pretrained)).toBeGreaterThanOrEqual(acc(random) + 0.15);
    expect(acc(pretrained)).toBeGreaterThan(0.45);
  }, 120_000);

  it('--shots needs exactly one integer target input to read classes from', async () => {
    let err = '';
    const io: Io = { out: () => undefined, err: (t) => void (err += t), errIsTTY: false, cwd: ROOT };
    const code = await runCli(['train', 'examples/clip/tiny.json', '--data', 'world:shapes?count=64&seed=1', '--shots', '2', '--steps', '1'], io);
    expect(code).not.toBe(0);
    expect(err).toMatch(/--shots needs exactly one integer input/);
  }, 60_000);
});
