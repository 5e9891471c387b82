/**
 * Lays out, left to right with ELK, every example graph whose node cards would overlap when
 * opened, and writes the new positions into the files' `ui` entries (nothing else in a file
 * changes). Run with `npx tsx scripts/layout-examples.ts`; graphs that already fit are left alone
 * unless `--all` is given, which lays out every example the way the editor's auto layout would.
 * Paths like `clip/graph.json` after the flags limit it to those files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseGraph } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { layoutGraph } from '../src/graph/layout.ts';
import { nodeBoxes, overlappingPairs } from '../src/canvas/nodeSize.ts';
import { createEditorStore } from '../src/store/createEditorStore.ts';

const registry = createRegistry();
const root = new URL('../../../examples/', import.meta.url).pathname;

const files = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(root + d.name).filter((f) => f === 'graph.json' || f === 'tiny.json' || /^graph-.*\.json$/.test(f)).map((f) => `${d.name}/${f}`))
  .sort();

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

for (const file of files.filter((f) => !only.length || only.includes(f))) {
  const path = root + file;
  const text = readFileSync(path, 'utf8');
  if (!text.includes('"modalflow.graph"')) continue;
  const doc = parseGraph(text, { file });
  const s = createEditorStore({ registry, doc }).getState();
  const boxes = nodeBoxes(s.view, s.types, s.nodeViews);
  if (!process.argv.includes('--all') && !overlappingPairs(boxes).length) continue;
  const sizes = new Map(boxes.map((b) => [b.id, { width: b.width, height: b.height }]));
  const ports = (id: string) => {
    const v = s.nodeViews.get(id);
    return { inputs: v?.inputs.map((p) => p.name) ?? [], outputs: v?.outputs.map((p) => p.name) ?? [] };
  };
  const pos = await layoutGraph(s.view, ports, sizes);
  let moved = 0;
  // Each node sits on its own line in these files: rewrite its `ui` x and y in place.
  const out = text.replace(/(\{"id": "([^"]+)"[^\n]*?"ui": \{)"x": -?[\d.]+, "y": -?[\d.]+/g, (all, head: string, id: string) => {
    const p = pos[id];
    if (!p) return all;
    moved++;
    return `${head}"x": ${p.x}, "y": ${p.y}`;
  });
  if (moved === 0) {
    // A file not written one node per line: set the positions on the parsed JSON instead.
    const raw = JSON.parse(text) as { nodes: { id: string; ui?: { x: number; y: number } }[] };
    for (const n of raw.nodes) {
      const p = pos[n.id];
      if (p) n.ui = { ...n.ui, x: p.x, y: p.y };
    }
    writeFileSync(path, JSON.stringify(raw, null, 1) + '\n');
    console.log(`${file}: laid out ${raw.nodes.length} nodes`);
    continue;
  }
  if (moved !== doc.nodes.length) throw new Error(`${file}: found ${moved} of ${doc.nodes.length} node positions`);
  writeFileSync(path, out);
  console.log(`${file}: laid out ${moved} nodes`);
}
