import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, parseGraph, type GraphDoc } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { LESSONS } from './lessons.ts';
import { DEFAULT_SETTINGS, commandLine, objectiveRows, objectiveWeights, scheduledLr, settingsProblems, trainConfigOf, type TrainSettings } from './settings.ts';

const registry = createRegistry();
const clip = parseGraph(readFileSync(new URL('../../../../examples/clip/tiny.json', import.meta.url), 'utf8'));

/** Tiny CLIP with a second loss node, to tell marked objectives from the rest. */
function twoLosses(markFirst: boolean): GraphDoc {
  const doc = structuredClone(clip);
  doc.nodes.push({ id: 'contrastive_b', type: 'loss.contrastive', typeVersion: 1, params: { scale: 1 } });
  doc.edges.push({ from: ['similarity', 'logits_per_text'], to: ['contrastive_b', 'logits'] });
  if (markFirst) doc.nodes.find((n) => n.id === 'contrastive')!.objective = 0.5;
  return doc;
}

const rowsOf = (doc: GraphDoc, choices: TrainSettings['objectives'] = {}) => objectiveRows(doc, analyzeGraph(doc, registry), choices);
const lesson = LESSONS.find((l) => l.id === 'clip-contrastive')!;

describe('objective rows', () => {
  it('takes every loss node when the document marks none', () => {
    expect(rowsOf(clip).map((r) => [r.node, r.on, r.weight])).toEqual([['contrastive', true, 1]]);
    expect(rowsOf(twoLosses(false)).map((r) => [r.node, r.on])).toEqual([['contrastive', true], ['contrastive_b', true]]);
  });

  it('takes only the marked nodes, with their weights, when the document marks some', () => {
    const rows = rowsOf(twoLosses(true));
    expect(rows.map((r) => [r.node, r.on, r.weight, r.marked])).toEqual([['contrastive', true, 0.5, true], ['contrastive_b', false, 1, false]]);
    expect(objectiveWeights(rows)).toEqual({ contrastive: 0.5 });
  });

  it('lets the user’s choices override the default', () => {
    const rows = rowsOf(twoLosses(true), { contrastive_b: { on: true, weight: 2 }, contrastive: { on: false, weight: 0.5 } });
    expect(objectiveWeights(rows)).toEqual({ contrastive_b: 2 });
  });
});

describe('train config and command line', () => {
  it('turns the lesson into the TrainConfig the command line builds from its flags', () => {
    expect(trainConfigOf(lesson.settings, rowsOf(clip))).toEqual({
      optimizer: { kind: 'adamw', lr: 2e-3, weightDecay: 0.01 },
      schedule: { warmupSteps: 50, decay: 'cosine', totalSteps: lesson.settings.steps },
      clipNorm: 1,
      objectives: { contrastive: 1 },
    });
    expect(commandLine('clip-tiny.json', lesson.settings, rowsOf(clip))).toBe(
      `modalflow train clip-tiny.json --data 'world:shapes?count=4096&seed=1' --steps ${lesson.settings.steps} --batch-size 32 --optimizer adamw --lr 0.002 --warmup 50 --schedule cosine --clip-norm 1`,
    );
  });

  it('writes SGD with momentum, no clipping, held-out pairs and chosen objectives', () => {
    const s: TrainSettings = { ...DEFAULT_SETTINGS, optimizer: 'sgd', lr: 0.05, momentum: 0.8, weightDecay: 0, clipNorm: 0, seed: 3, data: { kind: 'world', count: 512, seed: 2, heldOut: ['purple-circle', 'red-star'] } };
    const rows = rowsOf(twoLosses(false), { contrastive_b: { on: false, weight: 1 } });
    expect(trainConfigOf(s, rows)).toEqual({ optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.8, weightDecay: 0 }, schedule: { warmupSteps: 0, decay: 'none', totalSteps: 200 }, objectives: { contrastive: 1 } });
    expect(commandLine('g.json', s, rows)).toBe(
      "modalflow train g.json --data 'world:shapes?count=512&seed=2&heldout=purple-circle,red-star' --steps 200 --batch-size 32 --optimizer sgd --lr 0.05 --momentum 0.8 --seed 3 --objective contrastive=1",
    );
  });

  it('follows the schedule: linear warm-up, then a half cosine to zero at the last step', () => {
    const s = { lr: 1, warmup: 10, schedule: 'cosine' as const, steps: 110 };
    expect(scheduledLr(s, 5)).toBeCloseTo(0.5);
    expect(scheduledLr(s, 10)).toBeCloseTo(1);
    expect(scheduledLr(s, 60)).toBeCloseTo(0.5);
    expect(scheduledLr(s, 110)).toBeCloseTo(0);
    expect(scheduledLr({ ...s, schedule: 'none' }, 100)).toBe(1);
  });
});

describe('settings problems', () => {
  it('names each bad setting', () => {
    const bad: TrainSettings = { ...DEFAULT_SETTINGS, lr: 0, batchSize: 1, steps: 2.5, warmup: -1, evalEvery: 0, clipNorm: -1, data: { kind: 'world', count: 0, seed: 1, heldOut: [] } };
    const paths = settingsProblems(bad, rowsOf(clip)).map((p) => (p.at as { path: string }).path);
    expect(paths).toEqual(['/train/lr', '/train/warmup', '/train/clipNorm', '/train/batchSize', '/train/steps', '/train/evalEvery', '/train/data/count']);
    expect(settingsProblems(lesson.settings, rowsOf(clip))).toEqual([]);
    const short = settingsProblems({ ...lesson.settings, steps: 50 }, rowsOf(clip));
    expect(short.map((p) => p.message)).toEqual(['a cosine schedule needs more steps (50) than warm-up steps (50)']);
  });

  it('names a fractional few-shot count, and initial weights together with the loaded ones', () => {
    const both: TrainSettings = { ...lesson.settings, shots: 2.5, fromLoaded: true, init: { name: 'clip.safetensors', lesson: 'examples/linear-probe/clip.safetensors' } };
    const problems = settingsProblems(both, rowsOf(clip));
    expect(problems.map((p) => (p.at as { path: string }).path)).toEqual(['/train/shots', '/train/init']);
    expect(problems[1]!.message).toContain('clip.safetensors');
  });

  it('needs a loss node, and at least one ticked', () => {
    const noLoss = structuredClone(clip);
    noLoss.nodes = noLoss.nodes.filter((n) => n.id !== 'contrastive' && n.id !== 'loss');
    noLoss.edges = noLoss.edges.filter((e) => e.to[0] !== 'contrastive' && e.to[0] !== 'loss');
    expect(settingsProblems(DEFAULT_SETTINGS, rowsOf(noLoss))[0]!.message).toMatch(/no loss node/);
    expect(settingsProblems(DEFAULT_SETTINGS, rowsOf(clip, { contrastive: { on: false, weight: 1 } }))[0]!.message).toMatch(/tick at least one/);
  });
});
