import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { carryReport, carryWeights, compileGraph } from '@modalflow/compiler';
import { fewShot, fromRows } from '@modalflow/data';
import { readSafetensors, writeSafetensors } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { examplesOf, generateWorld, worldRow } from '@modalflow/world';
import { loadExamples } from '../documents/examples.ts';
import { LESSONS, lessonDoc } from './lessons.ts';
import { lessonWeightsUrl } from './lessonWeights.ts';
import { commandLine, objectiveRows, settingsProblems } from './settings.ts';
import { worldOptions } from './worldData.ts';

const registry = createRegistry();
const examples = loadExamples();
const root = new URL('../../../../', import.meta.url);
const withInit = LESSONS.filter((l) => l.settings.init);

describe('lessons that start from another graph’s weights', () => {
  it('are the probe, CoOp, distillation and fine-tuning, each naming a file the editor ships', () => {
    expect(withInit.map((l) => l.id).sort()).toEqual(['coop', 'distillation', 'finetune', 'linear-probe']);
    for (const l of withInit) expect(lessonWeightsUrl(l.settings.init!.lesson!), l.id).not.toBeNull();
    expect(lessonWeightsUrl('examples/linear-probe/start.safetensors')).toBeNull();
  });

  it.each(withInit.map((l) => [l.id, l] as const))('%s: its file carries into the graph by name, the rest seeded, as --init does', (id, lesson) => {
    const doc = lessonDoc(lesson, examples)!;
    const analysis = analyzeGraph(doc, registry);
    const file = lesson.settings.init!.lesson!;
    const source = readSafetensors(readFileSync(new URL(file, root))).tensors;
    const carried = carryWeights(analysis, source, file, 'initial weights');
    expect(carried.loaded.length).toBeGreaterThan(0);
    // The panel's check when a file is chosen reads shapes only, and reports the same.
    expect(carryReport(analysis, source, file)).toEqual({ loaded: carried.loaded, seeded: carried.seeded, unused: carried.unused });
    for (const n of carried.loaded) expect(carried.tensors.get(n)).toBe(source.get(n));
    // The new part of each graph is what stays seeded: the probe, the context vectors, the student, the answer head.
    const seededNodes = new Set(carried.seeded.map((n) => n.split('.')[0]));
    const expected: Record<string, string[]> = { 'linear-probe': ['probe'], coop: ['context'], finetune: ['head'] };
    if (expected[id]) expect([...seededNodes].sort()).toEqual(expected[id]);
    else expect(carried.seeded.length).toBe(carried.loaded.length);
    expect(commandLine('graph.json', lesson.settings, objectiveRows(doc, analysis, {}))).toContain(`--init ${file}`);
    expect(settingsProblems(lesson.settings, objectiveRows(doc, analysis, {}))).toEqual([]);
  });

  it('a file with a weight of the wrong shape is refused, naming every such weight and its node', () => {
    const probe = LESSONS.find((l) => l.id === 'linear-probe')!;
    const analysis = analyzeGraph(lessonDoc(probe, examples)!, registry);
    const source = new Map(readSafetensors(readFileSync(new URL(probe.settings.init!.lesson!, root))).tensors);
    source.set('vision_post_ln.weight', { dtype: 'float32', dims: [3], data: new Float32Array(3) });
    source.set('vision_post_ln.bias', { dtype: 'float32', dims: [2, 16], data: new Float32Array(32) });
    const bytes = writeSafetensors(source);
    let error: unknown;
    try {
      carryWeights(analysis, readSafetensors(bytes).tensors, 'bad.safetensors', 'initial weights');
    } catch (e) {
      error = e;
    }
    const problems = (error as { problems: { code: string; message: string; at: { node?: string; weight?: string } }[] }).problems;
    expect(problems.map((p) => [p.code, p.at.weight, p.at.node])).toEqual([
      ['MF_WEIGHT_SHAPE', 'vision_post_ln.weight', 'vision_post_ln'],
      ['MF_WEIGHT_SHAPE', 'vision_post_ln.bias', 'vision_post_ln'],
    ]);
    expect(problems[0]!.message).toBe('initial weights: "vision_post_ln.weight" in bad.safetensors is float32 [3], but the graph declares float32 [32]');
  });
});

describe('few-shot lessons', () => {
  it.each(LESSONS.filter((l) => l.settings.shots).map((l) => [l.id, l] as const))('%s keeps k pictures per shape, one batch of them, and says --shots', async (_id, lesson) => {
    const s = lesson.settings;
    if (s.data.kind !== 'world') throw new Error('a world lesson');
    const doc = lessonDoc(lesson, examples)!;
    const inputs = compileGraph(doc, registry).plan.inputs;
    // Few-shot takes the first pictures of each shape, so a smaller world gives the same first ones.
    const world = generateWorld({ ...worldOptions(s.data, inputs), count: 256 });
    const train = fromRows(examplesOf(world, 'train').map((e) => worldRow(e, inputs)), { inputs, extraColumns: 'ignore' });
    const few = await fewShot(train, s.shots, 'world', 'few-shot');
    expect(few.size).toBe(4 * s.shots);
    expect(few.batchCount({ batchSize: s.batchSize, dropLast: true })).toBe(1);
    expect(commandLine('graph.json', s, objectiveRows(doc, analyzeGraph(doc, registry), {}))).toContain(`--shots ${s.shots}`);
  });
});
