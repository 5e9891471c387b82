import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ANSWERS, examplesOf, generateWorld, parseWorldSpec } from '@modalflow/world';
import { trainEvents } from '../cli-capture.ts';

/**
 * The VQA fusion shoot-out (examples/vqa-fusion): four graphs with the same image and question
 * encoders and different fusion nodes each learn to answer the teaching world's questions from
 * the command line, and after a short run each beats always giving the most frequent training
 * answer by at least 10 points of held-out accuracy. The full-length runs the README quotes take
 * longer; this budget (300 steps) is what fits a test.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DATA = 'world:shapes?task=vqa&count=2048&seed=1';
const VARIANTS = ['concat', 'gated', 'tensor', 'cross-attention'] as const;
const MARGIN = 0.1;

const train = (args: string[]) => trainEvents(args, ROOT);

/** Accuracy on the test split of always answering the most frequent training answer. */
function majorityBaseline(): { answer: string; accuracy: number; examples: number } {
  const world = generateWorld(parseWorldSpec(DATA));
  const counts = new Map<number, number>();
  for (const e of examplesOf(world, 'train')) counts.set(e.answer_id!, (counts.get(e.answer_id!) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const test = examplesOf(world, 'test');
  return { answer: ANSWERS[majority]!, accuracy: test.filter((e) => e.answer_id === majority).length / test.length, examples: test.length };
}

const graphOf = (v: string) => JSON.parse(readFileSync(path.join(ROOT, 'examples/vqa-fusion', `${v}.json`), 'utf8'));

describe('VQA fusion shoot-out', () => {
  const baseline = majorityBaseline();

  it('the majority answer is a weak baseline: "yes", about 12% of the held-out questions', () => {
    expect(baseline.answer).toBe('yes');
    expect(baseline.examples).toBe(207);
    expect(baseline.accuracy).toBeGreaterThan(0.1);
    expect(baseline.accuracy).toBeLessThan(0.15);
  });

  it('the four graphs share every encoder node and differ in the fusion node', () => {
    const graphs = VARIANTS.map(graphOf);
    const shared = ['image', 'preprocess', 'patch_embed', 'image_encoder', 'question', 'tokenize', 'question_embed', 'question_encoder', 'head', 'answer_id', 'loss'];
    const pick = (g: any, id: string) => {
      const n = g.nodes.find((x: any) => x.id === id);
      return n && { type: n.type, params: n.params, objective: n.objective };
    };
    for (const id of shared) for (const g of graphs.slice(1)) expect(pick(g, id), id).toEqual(pick(graphs[0], id));
    expect(graphs.map((g) => g.nodes.find((n: any) => n.id === 'fuse').type)).toEqual(['fusion.concat', 'fusion.gated', 'fusion.tensor', 'fusion.cross_attention']);
    expect(pick(graphs[0], 'head')!.params.classes).toBe(ANSWERS.length);
  });

  it.each(VARIANTS)('%s beats the majority answer by 10 points after 300 steps', async (v) => {
    const r = await train([
      `examples/vqa-fusion/${v}.json`, '--data', DATA, '--steps', '300', '--batch-size', '32',
      '--lr', '3e-3', '--warmup', '30', '--schedule', 'cosine', '--clip-norm', '1', '--seed', '0',
    ]);
    expect(r.code, r.err).toBe(0);
    const done = r.events.find((e) => e.type === 'done')!;
    expect(done.eval.examples).toBe(baseline.examples);
    expect(done.eval.metrics['loss.accuracy']).toBeGreaterThanOrEqual(baseline.accuracy + MARGIN);
  }, 180_000);
});
