import { emptyGraph, parseGraph, type GraphDoc, type GraphEdge, type GraphNode } from '@modalflow/core';
import { freshId } from './ids.ts';

export interface XY {
  x: number;
  y: number;
}

/** The selected nodes and the edges between them, as a graph document of its own. */
export function subgraph(doc: GraphDoc, nodeIds: ReadonlySet<string>): GraphDoc {
  return {
    ...emptyGraph('Clipboard'),
    seed: doc.seed,
    nodes: doc.nodes.filter((n) => nodeIds.has(n.id)),
    edges: doc.edges.filter((e) => nodeIds.has(e.from[0]) && nodeIds.has(e.to[0])),
  };
}

function topLeft(nodes: readonly GraphNode[]): XY {
  let x = Infinity;
  let y = Infinity;
  for (const n of nodes) {
    x = Math.min(x, n.ui?.x ?? 0);
    y = Math.min(y, n.ui?.y ?? 0);
  }
  return Number.isFinite(x) ? { x, y } : { x: 0, y: 0 };
}

/**
 * Reads clipboard text as a graph document (the same checks as opening a file) and gives its
 * nodes fresh ids that do not clash with `taken`, rewiring its edges to match. Placed at `at`
 * (its top-left corner) when given, else shifted a little from where it was copied.
 */
export function preparePaste(text: string, taken: ReadonlySet<string>, at?: XY): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const clip = parseGraph(text, { file: 'clipboard' });
  const used = new Set(taken);
  const rename = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = freshId(n.id, used);
    used.add(id);
    rename.set(n.id, id);
  }
  const origin = topLeft(clip.nodes);
  const dx = at ? at.x - origin.x : 40;
  const dy = at ? at.y - origin.y : 40;
  const nodes = clip.nodes.map((n) => ({
    ...n,
    id: rename.get(n.id)!,
    ui: { ...n.ui, x: Math.round((n.ui?.x ?? 0) + dx), y: Math.round((n.ui?.y ?? 0) + dy) },
  }));
  const edges = clip.edges
    .filter((e) => rename.has(e.from[0]) && rename.has(e.to[0]))
    .map((e): GraphEdge => ({ from: [rename.get(e.from[0])!, e.from[1]], to: [rename.get(e.to[0])!, e.to[1]] }));
  return { nodes, edges };
}
