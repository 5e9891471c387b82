import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ModalflowError, parseWeightsMap, type NodeRegistry, type Tensor, type WeightsMap, type WeightsMapReport } from '@modalflow/core';
import { analyzeOrThrow, mapCheckpoint } from '@modalflow/compiler';
import { readUserText } from './files.ts';
import type { GraphFile } from './graph-file.ts';
import type { LoadedWeights } from './weights-file.ts';

/** Folder beside a graph that holds its checkpoint maps, `<name>.json` each. */
export const MAPS_DIR = 'weights-maps';

/**
 * `--weights-map` names a map: a bare name (`hf`, `openai`) is `weights-maps/<name>.json` beside
 * the graph; anything with a path separator or a .json ending is a file of the user's.
 */
export async function loadWeightsMapFile(graph: GraphFile, spec: string, cwd: string): Promise<{ map: WeightsMap; file: string }> {
  const isPath = spec.endsWith('.json') || spec.includes('/') || spec.includes(path.sep);
  if (isPath) {
    const abs = path.resolve(cwd, spec);
    return { map: parseWeightsMap(await readUserText(abs, 'weights map'), spec), file: spec };
  }
  const dir = path.join(graph.dir, MAPS_DIR);
  const shown = path.join(path.dirname(graph.file), MAPS_DIR, `${spec}.json`);
  let text: string;
  try {
    text = await readUserText(path.join(dir, `${spec}.json`), 'weights map');
  } catch (e) {
    if (!(e instanceof ModalflowError && e.code === 'MF_FILE_NOT_FOUND')) throw e;
    const names = await readdir(dir).then(
      (files) => files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort(),
      () => [] as string[],
    );
    throw new ModalflowError(
      'MF_FILE_NOT_FOUND',
      names.length
        ? `no weights map "${spec}" beside the graph (${shown}); it has: ${names.join(', ')}`
        : `no weights map "${spec}": the graph's folder has no ${MAPS_DIR}/; pass a map file (.json) instead`,
      { file: graph.file },
    );
  }
  return { map: parseWeightsMap(text, shown), file: shown };
}

/** The report as lines for stderr: a summary, then every key left out and every weight left seeded. */
export function formatWeightsMapReport(report: WeightsMapReport, mapFile: string, weightsFile: string): string[] {
  const total = report.placed.size + report.seeded.length;
  const lines = [
    `weights map ${mapFile}: ${report.placed.size} of ${total} graph weights from ${weightsFile}; ` +
      `${report.unplaced.length} checkpoint keys not placed, ${report.dropped.length} dropped by the map, ${report.seeded.length} weights left seeded`,
  ];
  for (const u of report.unplaced) lines.push(`  not placed: ${u.key} (${u.reason})`);
  for (const name of report.seeded) lines.push(`  seeded: ${name}`);
  return lines;
}

/** Renames a loaded checkpoint into the graph's weights through a map and reports what it did. */
export async function mapLoadedWeights(
  graph: GraphFile,
  registry: NodeRegistry,
  loaded: LoadedWeights,
  spec: string,
  io: { cwd: string; err?(text: string): void },
  asset?: NonNullable<Parameters<typeof analyzeOrThrow>[2]>['asset'],
): Promise<{ tensors: Map<string, Tensor>; report: WeightsMapReport }> {
  const { map, file } = await loadWeightsMapFile(graph, spec, io.cwd);
  const analysis = analyzeOrThrow(graph.doc, registry, { file: graph.file, library: graph.library, ...(asset ? { asset } : {}) });
  const { weights, report } = mapCheckpoint(analysis, map, loaded.tensors);
  io.err?.(formatWeightsMapReport(report, file, loaded.file).join('\n') + '\n');
  return { tensors: weights, report };
}
