import { readdirSync, readFileSync } from 'node:fs';
import { parseGraph, type GraphDoc } from '@modalflow/core';

const root = new URL('../../../examples/', import.meta.url).pathname;

/** Every example folder's graph.json and tiny.json, read from disk as the gallery bundles them. */
export function loadExamplesFromDisk(): { id: string; graph: GraphDoc; tiny: GraphDoc | null }[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const files = readdirSync(root + d.name);
      if (!files.includes('graph.json')) return [];
      const read = (f: string) => parseGraph(readFileSync(`${root}${d.name}/${f}`, 'utf8'), { file: `examples/${d.name}/${f}` });
      return [{ id: d.name, graph: read('graph.json'), tiny: files.includes('tiny.json') ? read('tiny.json') : null }];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
