import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { examplesOf, generateWorld, parseWorldSpec } from '@modalflow/world';
import { trainEvents } from '../cli-capture.ts';

/**
 * The REINFORCE lesson (examples/reinforce): the VQA model learns to name the colour of the
 * shape in each picture from a reward alone (1 for the right colour, 0 otherwise), never from
 * the label, and after a short run beats the most frequent answer by a wide margin; the same
 * seed gives the same run. The README's longer runs take longer than a test may.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GRAPH = 'examples/reinforce/graph.json';
const DATA = 'world:shapes?task=vqa&count=2048&seed=1&questions=colour';
const FLAGS = ['--batch-size', '32', '--lr', '1e-3', '--warmup', '30', '--clip-norm', '1', '--seed', '0'];

const train = (args: string[]) => trainEvents([GRAPH, '--data', DATA, ...FLAGS, ...args], ROOT);

function majorityAccuracy(): number {
  const world = generateWorld(parseWorldSpec(DATA));
  const counts = new Map<number, number>();
  for (const e of examplesOf(world, 'train')) counts.set(e.answer_id, (counts.get(e.answer_id) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const test = examplesOf(world, 'test');
  return test.filter((e) => e.answer_id === top).length / test.length;
}

describe('REINFORCE lesson', () => {
  it('learns the colours from rewards alone: 20 points over the majority answer after 300 steps', async () => {
    const baseline = majorityAccuracy();
    expect(baseline).toBeLessThan(0.25);
    const r = await train(['--steps', '300']);
    expect(r.code, r.err).toBe(0);
    const done = r.events.find((e) => e.type === 'done')!;
    expect(done.eval.metrics['reinforce.accuracy']).toBeGreaterThanOrEqual(baseline + 0.2);
  }, 180_000);

  it('samples from its seed: the same run twice gives the same losses', async () => {
    const losses = async () => (await train(['--steps', '15'])).events.filter((e) => e.type === 'step').map((e) => e.loss);
    const first = await losses();
    expect(first).toHaveLength(15);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await losses()).toEqual(first);
  }, 120_000);
});
