import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeRegistry } from '@modalflow/core';
import type { EditorState, XY } from '../store/types.ts';
import { nodeSize, sizeLookup } from './nodeSize.ts';
import { freeSpot } from './viewport.ts';

/** Screen pixels kept between a new card and the canvas' edges. */
const EDGE = 16;

/** The part of the graph the canvas shows, less a small margin, in flow coordinates; null before the canvas is laid out. */
export function visibleFlowRect(flow: Pick<ReactFlowInstance, 'screenToFlowPosition'>): { x: number; y: number; width: number; height: number } | null {
  const pane = document.querySelector('[data-testid="canvas"] .react-flow')?.getBoundingClientRect();
  if (!pane || pane.width <= 2 * EDGE || pane.height <= 2 * EDGE) return null;
  const a = flow.screenToFlowPosition({ x: pane.left + EDGE, y: pane.top + EDGE });
  const b = flow.screenToFlowPosition({ x: pane.right - EDGE, y: pane.bottom - EDGE });
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

/**
 * Where a new node of `type` goes: in free space inside the view, nearest `near` (its wished-for
 * top-left corner: where the user double-clicked or dropped it) or else nearest the view's centre.
 * Every way of adding a node (palette click, palette drag, the add-node box) uses this one rule.
 */
export function spotForNewNode(s: EditorState, registry: NodeRegistry, type: string, flow: Pick<ReactFlowInstance, 'screenToFlowPosition'>, near?: XY): XY {
  const view = visibleFlowRect(flow);
  if (!view) return near ?? { x: 0, y: 0 };
  const def = s.types.get(type) ?? registry.get(type.split('#')[0]!);
  const inputs = Object.entries(def?.inputs ?? {});
  // A new node's inputs are not wired yet: its card lists that as a problem, so room is kept for it.
  const unwired = inputs.filter(([, spec]) => !spec.optional).map(([name]) => ({ message: `required input port "${name}" is not connected` }));
  const size = nodeSize({ id: '', type, typeVersion: 1, params: {} }, def, { inputs: inputs.length, outputs: Object.keys(def?.outputs ?? {}).length }, unwired);
  const sizeOf = sizeLookup(s.view, s.types, s.nodeViews, s.measured);
  const boxes = s.view.nodes.map((n) => ({ id: n.id, x: n.ui?.x ?? 0, y: n.ui?.y ?? 0, ...(sizeOf(n.id) ?? size) }));
  return freeSpot(boxes, size, view, 24, near);
}
