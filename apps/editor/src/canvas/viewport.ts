import { getViewportForBounds, type Viewport } from '@xyflow/react';
import type { GraphDoc } from '@modalflow/core';
import type { Size } from '../store/types.ts';
import { NODE_WIDTH, overlappingPairs, type Box } from './nodeSize.ts';

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2.5;
const FIT_MAX_ZOOM = 1.1;
const FIT_PADDING = 0.15;
/** The smallest zoom a graph opens at: ports, shapes and costs are still readable there. */
export const READABLE_ZOOM = 0.8;
/** Screen pixels kept between the opened graph's first column and the canvas' left edge. */
const MARGIN = 48;
/** A node's size before it has been measured or estimated. */
const FALLBACK: Size = { width: NODE_WIDTH, height: 170 };

export type SizeOf = (id: string) => Size | undefined;

/** The area of the canvas nodes may use, less a corner kept free if an overlay sits there. */
export interface Area {
  width: number;
  height: number;
  /** A corner kept free, in pixels from the right and from the bottom. */
  reserveRight?: number;
  reserveBottom?: number;
}

function boxesOf(doc: GraphDoc, sizeOf: SizeOf): Box[] {
  return doc.nodes.map((n) => ({ id: n.id, x: n.ui?.x ?? 0, y: n.ui?.y ?? 0, ...(sizeOf(n.id) ?? FALLBACK) }));
}

function bounds(boxes: readonly Box[]) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The view that shows the whole graph clear of a reserved corner: fitted either left of it or
 * above it, whichever leaves the graph bigger (a wide graph loses nothing by keeping above it).
 */
export function fitViewport(doc: GraphDoc, sizeOf: SizeOf, area: Area): Viewport {
  if (!doc.nodes.length || area.width <= 0 || area.height <= 0) return { x: 0, y: 0, zoom: 1 };
  const box = bounds(boxesOf(doc, sizeOf));
  const fit = (w: number, h: number) => getViewportForBounds(box, Math.max(1, w), Math.max(1, h), MIN_ZOOM, FIT_MAX_ZOOM, FIT_PADDING);
  const left = fit(area.width - (area.reserveRight ?? 0), area.height);
  const above = fit(area.width, area.height - (area.reserveBottom ?? 0));
  return above.zoom >= left.zoom ? above : left;
}

/**
 * The view a document opens at: the whole graph when it fits at a readable zoom; otherwise a
 * readable zoom with the graph's inputs (the nodes nothing feeds) at the left edge, centred on
 * them, since that is where reading a left-to-right graph starts. Panning and the zoom buttons
 * reach the rest.
 */
export function openingViewport(doc: GraphDoc, sizeOf: SizeOf, area: Area): Viewport {
  const fit = fitViewport(doc, sizeOf, area);
  if (!doc.nodes.length || fit.zoom >= READABLE_ZOOM) return fit;
  const zoom = READABLE_ZOOM;
  const boxes = boxesOf(doc, sizeOf);
  const all = bounds(boxes);
  const fed = new Set(doc.edges.map((e) => e.to[0]));
  const inputs = boxes.filter((b) => !fed.has(b.id));
  const focus = bounds(inputs.length ? inputs : boxes);
  // Inputs taller than the view start at its top instead of being cut at both ends.
  const centreY = focus.height * zoom > area.height - 2 * MARGIN ? focus.y + (area.height / 2 - MARGIN) / zoom : focus.y + focus.height / 2;
  return { x: MARGIN - all.x * zoom, y: area.height / 2 - centreY * zoom, zoom };
}

/**
 * Where in flow coordinates a new card fits without covering another: nearest `near` (a wished-for
 * top-left corner, kept inside the view) or else nearest the view's centre.
 */
export function freeSpot(boxes: readonly Box[], size: Size, view: { x: number; y: number; width: number; height: number }, gap = 24, near?: { x: number; y: number }): { x: number; y: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(Math.max(lo, hi), v));
  const cx = near ? clamp(near.x, view.x, view.x + view.width - size.width) : view.x + view.width / 2 - size.width / 2;
  const cy = near ? clamp(near.y, view.y, view.y + view.height - size.height) : view.y + view.height / 2 - size.height / 2;
  const step = 40;
  const fits = (x: number, y: number) => !overlappingPairs([...boxes, { id: '\u0000new', x, y, ...size }], gap).some((p) => p.includes('\u0000new'));
  const inView = (x: number, y: number) => x >= view.x && y >= view.y && x + size.width <= view.x + view.width && y + size.height <= view.y + view.height;
  // Rings of candidates around the centre, nearest first; the first free one inside the view wins.
  for (let r = 0; r <= 40; r++) {
    const ring: { x: number; y: number }[] = [];
    for (let i = -r; i <= r; i++) {
      for (let j = -r; j <= r; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== r) continue;
        ring.push({ x: cx + i * step, y: cy + j * step });
      }
    }
    ring.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy));
    for (const p of ring) if (fits(p.x, p.y) && (inView(p.x, p.y) || r > 20)) return { x: Math.round(p.x), y: Math.round(p.y) };
  }
  return { x: Math.round(cx), y: Math.round(cy) };
}
