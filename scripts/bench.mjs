#!/usr/bin/env node
// `npm run bench`: runs every workspace's benchmark one after another (never in parallel, so
// they do not disturb each other's timings), prints one JSON document holding all of them and
// writes it to bench-results/bench.json. Each benchmark prints its own JSON on stdout.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const suites = [
  ['engine', '@modalflow/test'],
  ['browser_vs_node', '@modalflow/runtime-web'],
  ['editor', '@modalflow/editor'],
  ['image_bomb', '@modalflow/cli'],
];
const only = process.argv.slice(2);
const results = { bench: 'modalflow', date: new Date().toISOString(), node: process.version };
let failed = false;
for (const [key, workspace] of suites) {
  if (only.length && !only.includes(key)) continue;
  process.stderr.write(`bench: ${key} (${workspace})…\n`);
  const run = spawnSync('npm', ['run', 'bench', '--silent', '--workspace', workspace], {
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
