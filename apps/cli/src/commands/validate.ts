import {
  ModalflowError,
  analyzeGraph,
  formatProblem,
  type Analysis,
  type Problem,
} from '@modalflow/core';
import { checkWeights } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile, loadWeights, loadAssets, type AssetOptions } from '@modalflow/node-io';
import { shortCount, shortFlops } from '../format/numbers.ts';
import type { Io } from '../io.ts';

/** Problems of a weights file the graph names, so validate finds them before a run does. */
async function weightProblems(analysis: Analysis, load: () => ReturnType<typeof loadWeights>): Promise<Problem[]> {
  try {
    const w = await load();
    if (w) checkWeights(analysis, w.tensors, w.file);
    return [];
  } catch (e) {
    if (e instanceof ModalflowError) return e.problems;
    throw e;
  }
}

export interface ValidateOptions extends AssetOptions {
  json?: boolean;
}

export async function validateCommand(io: Io, file: string, opts: ValidateOptions): Promise<void> {
  let problems: Problem[];
  let analysis: Analysis | undefined;
  try {
    const graph = await loadGraphFile(file, io.cwd);
    const assets = await loadAssets(graph, opts, io.cwd, true);
    analysis = analyzeGraph(graph.doc, createRegistry(), { file, asset: assets.lookup, library: graph.library });
    problems = [...assets.problems, ...analysis.problems];
    if (analysis.ok && assets.problems.length === 0 && graph.doc.weights) {
      problems.push(...(await weightProblems(analysis, () => loadWeights(graph, undefined, io.cwd))));
    }
  } catch (e) {
    if (!(e instanceof ModalflowError) || e.code === 'MF_FILE_NOT_FOUND' || e.code === 'MF_FILE_UNREADABLE') throw e;
    problems = e.problems;
  }
  const errors = problems.filter((p) => p.severity !== 'warning');
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (errors.length) io.exitCode = 1;
  if (opts.json) {
    io.out(JSON.stringify({ ok: errors.length === 0, problems }, null, 2) + '\n');
    return;
  }
  for (const p of errors) io.out(`error   ${formatProblem(p)}\n`);
  for (const p of warnings) io.out(`warning ${formatProblem(p)}\n`);
  if (errors.length) {
    io.out(`${file}: ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}\n`);
  } else if (analysis) {
    const { doc, totals } = analysis;
    io.out(
      `ok  ${file}: ${doc.nodes.length} nodes, ${doc.edges.length} edges, ` +
        `${shortCount(totals.params)} params, ${shortFlops(totals.flops)} per example` +
        (warnings.length ? `, ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}` : '') +
        '\n',
    );
  }
}
