import type { GraphDoc } from '@modalflow/core';
import type { Size, XY } from '../store/types.ts';
import { NODE_WIDTH } from './nodeSize.ts';

/** Graphs with at least this many nodes hand React Flow only the nodes near the view. */
export const VIRTUALIZE_FROM = 300;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where every node of the shown graph sits, and which nodes each one is wired to. */
export interface GraphLayout {
  ids: readonly string[];
  /** Flat [x, y, width, height] per node in `ids` order: one scan of a typed array per view change. */
  boxes: Float64Array;
  index: ReadonlyMap<string, number>;
  neighbours: ReadonlyMap<string, readonly string[]>;
}

export function graphLayout(doc: GraphDoc, sizeOf: (id: string) => Size | undefined): GraphLayout {
  const ids = doc.nodes.map((n) => n.id);
  const boxes = new Float64Array(ids.length * 4);
  const index = new Map<string, number>();
  doc.nodes.forEach((n, i) => {
    const size = sizeOf(n.id);
    boxes.set([n.ui?.x ?? 0, n.ui?.y ?? 0, size?.width ?? NODE_WIDTH, size?.height ?? 120], i * 4);
    index.set(n.id, i);
  });
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const list = neighbours.get(a);
    if (list) list.push(b);
    else neighbours.set(a, [b]);
  };
  for (const e of doc.edges) {
    link(e.from[0], e.to[0]);
    link(e.to[0], e.from[0]);
  }
  return { ids, boxes, index, neighbours };
}

/** React Flow's transform: [x, y, zoom]. */
export type Transform = readonly [number, number, number];

/**
 * Ids of the nodes whose box meets the pane widened by `margin` (a fraction of its size on each
 * side), in document order, so small pans do not change the set.
 */
export function nodesInView(layout: GraphLayout, [tx, ty, zoom]: Transform, area: { width: number; height: number }, margin = 0.25): string[] {
  if (!area.width || !area.height) return [];
  const w = area.width / zoom;
  const h = area.height / zoom;
  const left = -tx / zoom - w * margin;
  const top = -ty / zoom - h * margin;
  const right = left + w * (1 + 2 * margin);
  const bottom = top + h * (1 + 2 * margin);
  const out: string[] = [];
  const b = layout.boxes;
  for (let i = 0; i < layout.ids.length; i++) {
    const x = b[i * 4]!;
    const y = b[i * 4 + 1]!;
    if (x < right && y < bottom && x + b[i * 4 + 2]! > left && y + b[i * 4 + 3]! > top) out.push(layout.ids[i]!);
  }
  return out;
}

/** The topmost node (last in document order, as drawn) under a point in flow coordinates. */
export function nodeAt(layout: GraphLayout, p: XY): string | null {
  const b = layout.boxes;
  for (let i = layout.ids.length - 1; i >= 0; i--) {
    const x = b[i * 4]!;
    const y = b[i * 4 + 1]!;
    if (p.x >= x && p.y >= y && p.x <= x + b[i * 4 + 2]! && p.y <= y + b[i * 4 + 3]!) return layout.ids[i]!;
  }
  return null;
}

/** Ids of the nodes wholly inside the rectangle between two flow points, as React Flow's box selection takes them. */
export function nodesInBox(layout: GraphLayout, a: XY, b: XY): string[] {
  const left = Math.min(a.x, b.x);
  const top = Math.min(a.y, b.y);
  const right = Math.max(a.x, b.x);
  const bottom = Math.max(a.y, b.y);
  const out: string[] = [];
  const box = layout.boxes;
  for (let i = 0; i < layout.ids.length; i++) {
    const x = box[i * 4]!;
    const y = box[i * 4 + 1]!;
    if (x >= left && y >= top && x + box[i * 4 + 2]! <= right && y + box[i * 4 + 3]! <= bottom) out.push(layout.ids[i]!);
  }
  return out;
}

/** Header, border and port rows of a zoomed-out glyph (node.css `.is-far`), for drawing it without the DOM. */
export function glyphSize(ports: { inputs: readonly unknown[]; outputs: readonly unknown[] } | undefined): Size {
  const rows = Math.max(ports?.inputs.length ?? 0, ports?.outputs.length ?? 0);
  return { width: NODE_WIDTH, height: 47 + (rows ? 10 + rows * 26 : 0) };
}

/** The nodes to mount: those in view, the ones wired to them (so their wires draw), and `keep`. */
export function withNeighbours(layout: GraphLayout, inView: readonly string[], keep: Iterable<string>): Set<string> {
  const live = new Set(inView);
  for (const id of inView) for (const n of layout.neighbours.get(id) ?? []) live.add(n);
  for (const id of keep) live.add(id);
  return live;
}

/** Keeps `items` whose id `live` holds, returning the same array when all are kept. */
export function keepLive<T extends { id: string }>(items: readonly T[], live: ReadonlySet<string>): T[] {
  const out = items.filter((n) => live.has(n.id));
  return out.length === items.length ? (items as T[]) : out;
}

/** Edges whose two ends are both mounted: React Flow cannot draw a wire to a node it does not hold. */
export function liveEdges<T extends { source: string; target: string }>(edges: readonly T[], live: ReadonlySet<string>): T[] {
  const out = edges.filter((e) => live.has(e.source) && live.has(e.target));
  return out.length === edges.length ? (edges as T[]) : out;
}
