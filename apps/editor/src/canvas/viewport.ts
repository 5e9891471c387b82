import { getViewportForBounds, type Viewport } from '@xyflow/react';
import type { GraphDoc } from '@modalflow/core';

/** Typical rendered node size, for fitting a graph before React Flow has measured it. */
const NODE_W = 204;
const NODE_H = 170;

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2.5;

export function viewportFor(doc: GraphDoc, width: number, height: number): Viewport {
  if (!doc.nodes.length || !width || !height) return { x: 0, y: 0, zoom: 1 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of doc.nodes) {
    const x = n.ui?.x ?? 0;
    const y = n.ui?.y ?? 0;
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + NODE_W);
    maxY = Math.max(maxY, y + NODE_H);
  }
  return getViewportForBounds({ x: minX, y: minY, width: maxX - minX, height: maxY - minY }, width, height, MIN_ZOOM, 1.1, 0.15);
}
