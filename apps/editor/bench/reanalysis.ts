/**
 * Re-analysis after an edit against analysing the whole graph again, on the benchmark graphs
 * (1,000 and 5,000 nodes): a param changed in the middle of one chain re-analyses that chain's
 * rest only. Full and incremental runs alternate, so load on the machine hits both alike.
 * Prints JSON with the load average. Usage: npx tsx bench/reanalysis.ts (from apps/editor)
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { analyzeGraph, type GraphDoc } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { generateGraph } from '../src/bench/generate.ts';

const registry = createRegistry();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(size: number, rounds = 9) {
  const doc = generateGraph(size);
  const before = analyzeGraph(doc, registry);
  const id = 'n_0_9';
  const edited: GraphDoc = { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, out: 32 } } : n)) };
  const full: number[] = [];
  const incremental: number[] = [];
  let kept = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    analyzeGraph(edited, registry);
    full.push(performance.now() - t);
    t = performance.now();
    const next = analyzeGraph(edited, registry, { previous: before });
    incremental.push(performance.now() - t);
    kept = [...next.nodes].filter(([k, v]) => before.nodes.get(k) === v).length;
  }
  return {
    nodes: doc.nodes.length,
    edit: `param "out" of ${id}, mid-chain`,
    keptNodeAnalyses: kept,
    fullMedianMs: Number(median(full).toFixed(2)),
    incrementalMedianMs: Number(median(incremental).toFixed(2)),
  };
}

const load = loadavg()[0]!;
const runs = [measure(1000), measure(5000)];
console.log(JSON.stringify({ benchmark: 'editor_reanalysis', runs, loadAverage1m: { before: Number(load.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) } }, null, 2));
