import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { examplesOf, generateWorld, worldRow } from '@modalflow/world';
import { loadExamples } from '../documents/examples.ts';
import { LESSONS, lessonDoc, lessonFileName } from './lessons.ts';
import { worldOptions } from './worldData.ts';

const registry = createRegistry();
const examples = loadExamples();

describe('gallery lessons', () => {
  it('include the fusion shoot-out, REINFORCE, distillation, the linear probe and CoOp besides CLIP', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(
      expect.arrayContaining(['clip-contrastive', 'vqa-concat', 'vqa-gated', 'vqa-tensor', 'vqa-cross-attention', 'pretrain', 'finetune', 'reinforce', 'distillation', 'linear-probe', 'coop']),
    );
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))('%s opens a graph that analyses cleanly, with a loss to train and its data ready', (_id, lesson) => {
    const doc = lessonDoc(lesson, examples);
    expect(doc, `examples/${lesson.example}/${lesson.file ?? 'tiny.json'}`).not.toBeNull();
    expect(lessonFileName(lesson)).toMatch(/\.json$/);
    const analysis = analyzeGraph(doc!, registry);
    expect(analysis.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect([...analysis.nodes.values()].some((n) => n.def.category === 'losses')).toBe(true);
    // The world the settings name fills every input of the graph.
    const inputs = compileGraph(doc!, registry).plan.inputs;
    expect(lesson.settings.data.kind).toBe('world');
    if (lesson.settings.data.kind !== 'world') return;
    const world = generateWorld({ ...worldOptions(lesson.settings.data, inputs), count: 16 });
    const row = worldRow(examplesOf(world, 'train')[0]!, inputs);
    for (const input of inputs) expect(row[input.name], input.name).toBeDefined();
  });

  it.each(LESSONS.filter((l) => l.id !== 'clip-contrastive' && l.id !== 'pretrain').map((l) => [l.id, l] as const))('%s names its classes in an output (answers as words)', (_id, lesson) => {
    const doc = lessonDoc(lesson, examples)!;
    const named = doc.nodes.filter((n) => n.type === 'output.topk_labels');
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect((n.params['labels'] as string[]).length).toBeGreaterThan(1);
  });

  it('the REINFORCE lesson asks only colour questions, and says so in its command line', () => {
    const lesson = LESSONS.find((l) => l.id === 'reinforce')!;
    expect(lesson.settings.data.kind === 'world' && lesson.settings.data.questions).toEqual(['colour']);
  });
});
