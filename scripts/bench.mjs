#!/usr/bin/env node
// `npm run bench`: runs every workspace's benchmark one after another (never in parallel, so
// they do not disturb each other's timings), prints one JSON document holding all of them and
// writes it to bench-results/bench.json. Each benchmark prints its own JSON on stdout.
// A suite is a workspace's `bench` script, or a named TypeScript file run with tsx inside the
// workspace when one workspace holds more than one suite.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const suites = [
  ['engine', '@modalflow/test'],
  ['train', '@modalflow/test', 'bench/train.ts'],
  ['clip_full', '@modalflow/test', 'bench/clip-full.ts'],
  ['clip_open', '@modalflow/test', 'bench/clip-open-turns.ts'],
  ['browser_vs_node', '@modalflow/runtime-web'],
  ['editor', '@modalflow/editor'],
  ['editor_train_frames', '@modalflow/editor', 'bench/trainFrames.ts'],
  ['editor_train_start_trace', '@modalflow/editor', 'bench/trainStartTrace.ts'],
  ['lessons_browser', '@modalflow/editor', 'bench/trainLessons.ts'],
  ['editor_reanalysis', '@modalflow/editor', 'bench/reanalysis.ts'],
  ['image_bomb', '@modalflow/cli'],
  ['serve', '@modalflow/server'],
  ['generate', '@modalflow/test', 'bench/generate.ts'],
  ['generate_browser', '@modalflow/runtime-web', 'bench/generate.ts'],
  ['worker_trip', '@modalflow/runtime-web', 'bench/worker-trip.ts'],
  ['late_fusion_turns', '@modalflow/runtime-web', 'bench/late-fusion-turns.ts'],
  ['spectrogram', '@modalflow/test', 'bench/spectrogram.ts'],
  ['pytorch_step', '@modalflow/cli', 'bench/pytorch-step.ts'],
];
const only = process.argv.slice(2);
const results = { bench: 'modalflow', date: new Date().toISOString(), node: process.version };
let failed = false;
for (const [key, workspace, file] of suites) {
  if (only.length && !only.includes(key)) continue;
  process.stderr.write(`bench: ${key} (${workspace}${file ? ` ${file}` : ''})…\n`);
  const args = file ? ['exec', '--silent', '--workspace', workspace, '--', 'tsx', file] : ['run', 'bench', '--silent', '--workspace', workspace];
  const run = spawnSync('npm', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  const text = run.stdout.slice(run.stdout.indexOf('{'));
  try {
    results[key] = JSON.parse(text);
  } catch {
    results[key] = { error: `exit ${run.status}; output was not JSON`, output: run.stdout.slice(-2000) };
    failed = true;
  }
}
const json = JSON.stringify(results, null, 2);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/bench.json', json + '\n');
process.stdout.write(json + '\n');
process.exit(failed ? 1 : 0);
