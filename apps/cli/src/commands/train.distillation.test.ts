import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@modalflow/onnx';
import { examplesOf, generateWorld, parseWorldSpec } from '@modalflow/world';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

/**
 * The distillation lesson (examples/distillation): a student a third of the teacher's size learns
 * from the frozen, trained teacher (--init examples/distillation/teacher.safetensors). After a
 * short run the distillation loss has fallen, the student beats the majority answer, and the
 * teacher's weights are exactly those it started from. The README's longer runs take longer.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DATA = 'world:shapes?task=vqa&count=2048&seed=1';
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-distill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function majorityAccuracy(): number {
  const world = generateWorld(parseWorldSpec(DATA));
  const counts = new Map<number, number>();
  for (const e of examplesOf(world, 'train')) counts.set(e.answer_id, (counts.get(e.answer_id) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const test = examplesOf(world, 'test');
  return test.filter((e) => e.answer_id === top).length / test.length;
}

describe('distillation lesson', () => {
  it('the student learns from the frozen teacher, whose weights do not move', async () => {
    let out = '';
    let err = '';
    const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, cwd: ROOT };
    const trained = path.join(dir, 'student.safetensors');
    const code = await runCli(
      [
        'train', 'examples/distillation/graph.json', '--init', 'examples/distillation/teacher.safetensors', '--data', DATA,
        '--steps', '200', '--batch-size', '32', '--lr', '3e-3', '--warmup', '20', '--schedule', 'cosine', '--clip-norm', '1', '--seed', '0',
        '-o', trained, '--json',
      ],
      io,
    );
    expect(code, err).toBe(0);
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    const init = events.find((e) => e.type === 'init');
    expect(init.seeded.every((w: string) => w.startsWith('student_'))).toBe(true);
    expect(init.loaded).toHaveLength(init.loaded.filter((w: string) => !w.startsWith('student_')).length);

    const losses = events.filter((e) => e.type === 'step').map((e) => e.loss as number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-20))).toBeLessThan(0.7 * mean(losses.slice(0, 20)));
    const done = events.find((e) => e.type === 'done');
    expect(done.eval.metrics['distill.accuracy']).toBeGreaterThanOrEqual(majorityAccuracy() + 0.05);

    const teacher = readSafetensors(readFileSync(path.join(ROOT, 'examples/distillation/teacher.safetensors'))).tensors;
    const after = readSafetensors(readFileSync(trained)).tensors;
    for (const [name, t] of teacher) expect(after.get(name)!.data, name).toEqual(t.data);
  }, 180_000);
});
