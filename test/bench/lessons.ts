/**
 * Steps per second of every training lesson in Node, as `modalflow train` runs it: one short
 * run per lesson with the flags of its README, reporting the steady step rate (the first step,
 * which compiles the step model, left out). Part of the train suite (`node scripts/bench.mjs
 * train`); alone: `npx tsx bench/lessons.ts [lesson...]` in test/. Timings only.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../src/fixtures.ts';
import { median, percentile, round } from './stats.ts';

interface Lesson {
  name: string;
  graph: string;
  args: string[];
  batch: number;
}

const VQA = ['--data', 'world:shapes?task=vqa&count=2048&seed=1', '--lr', '3e-3', '--warmup', '30', '--schedule', 'cosine', '--clip-norm', '1'];
const FEW_SHOT = ['--data', 'world:shapes?count=4096&seed=1', '--shots', '20', '--lr', '1e-2'];

export const LESSONS: Lesson[] = [
  { name: 'clip-contrastive', graph: 'examples/clip/tiny.json', args: ['--data', 'world:shapes?count=2048&seed=1', '--lr', '2e-3', '--warmup', '50', '--clip-norm', '1'], batch: 32 },
  ...['concat', 'gated', 'tensor', 'cross-attention'].map((v) => ({ name: `vqa-fusion-${v}`, graph: `examples/vqa-fusion/${v}.json`, args: VQA, batch: 32 })),
  { name: 'pretrain-itc-itm-mlm', graph: 'examples/pretrain-finetune/pretrain.json', args: ['--data', 'world:shapes?count=2048&seed=1', '--lr', '3e-3', '--warmup', '50', '--clip-norm', '1'], batch: 32 },
  { name: 'linear-probe', graph: 'examples/linear-probe/graph.json', args: [...FEW_SHOT, '--init', 'examples/linear-probe/clip.safetensors'], batch: 80 },
  { name: 'coop', graph: 'examples/coop/graph.json', args: [...FEW_SHOT, '--init', 'examples/linear-probe/clip.safetensors'], batch: 80 },
  {
    name: 'distillation',
    graph: 'examples/distillation/graph.json',
    args: [...VQA, '--init', 'examples/distillation/teacher.safetensors'],
    batch: 32,
  },
  { name: 'reinforce', graph: 'examples/reinforce/graph.json', args: ['--data', 'world:shapes?task=vqa&count=2048&seed=1&questions=colour', '--lr', '1e-3', '--warmup', '30', '--clip-norm', '1'], batch: 32 },
];

const STEPS = Number(process.env.MODALFLOW_BENCH_LESSON_STEPS) || 40;

function runLesson(l: Lesson) {
  const args = ['train', l.graph, ...l.args, '--steps', String(STEPS), '--batch-size', String(l.batch), '--seed', '0', '--device', 'cpu', '--json'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'apps/cli/bin/modalflow.js'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  const wall = (performance.now() - t0) / 1000;
  const command = `modalflow ${args.join(' ')}`;
  if (r.status !== 0) return { command, error: `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
  const steady = events.filter((e) => e.type === 'step').slice(1).map((e) => e.ms as number);
  const med = median(steady);
  return {
    command,
    batch: l.batch,
    steps_per_s: round(1000 / med, 2),
    examples_per_s: round((l.batch * 1000) / med, 1),
    step_ms: { median: round(med, 2), p90: round(percentile(steady, 90), 2) },
    process_wall_s: round(wall, 2),
  };
}

/** Every lesson (or those named), one after another. */
export function lessonsBench(only: readonly string[] = []): Record<string, ReturnType<typeof runLesson>> {
  const out: Record<string, ReturnType<typeof runLesson>> = {};
  for (const l of LESSONS) {
    if (only.length && !only.includes(l.name)) continue;
    process.stderr.write(`bench: lesson ${l.name}…\n`);
    out[l.name] = runLesson(l);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const lessons = lessonsBench(process.argv.slice(2));
  process.stdout.write(JSON.stringify({ bench: 'modalflow-lessons', date: new Date().toISOString(), node: process.version, steps: STEPS, lessons, total_s: round((Date.now() - started) / 1000, 1) }, null, 2) + '\n');
}
