import { useCallback } from 'react';
import { MiniMap, type Node } from '@xyflow/react';
import { useEditor, useRegistry, useUi } from '../app/context.tsx';
import { categoryColor } from './colors.ts';
import type { FlowNode } from './flowElements.ts';
import { VIRTUALIZE_FROM } from './liveNodes.ts';
import { OverviewMap } from './OverviewMap.tsx';

/** The minimap's size in the dock: the side column's width less its padding. */
export const MINIMAP_SIZE = { width: 308, height: 168 };

/**
 * The overview map, docked under the inspector instead of floating over the canvas: drawn there,
 * it can never cover a node, however the graph is panned or zoomed, and the canvas needs no
 * corner kept free for it. It reads the same React Flow store as the canvas, so it pans and
 * zooms the canvas as a floating one would.
 */
export function MinimapDock() {
  const open = useUi((s) => s.minimapOpen);
  const registry = useRegistry();
  const color = useCallback((n: Node) => categoryColor(registry.get((n as FlowNode).data.nodeType)?.category), [registry]);
  // React Flow holds only part of a big graph (see liveNodes.ts), so its minimap would show only that part.
  const big = useEditor((s) => s.view.nodes.length >= VIRTUALIZE_FROM);
  if (!open) return null;
  return (
    <div className="mf-minimap-dock" data-testid="minimap-dock">
      {big ? <OverviewMap {...MINIMAP_SIZE} /> : <MiniMap pannable zoomable nodeColor={color} nodeStrokeWidth={0} maskColor="var(--mf-minimap-mask)" style={MINIMAP_SIZE} ariaLabel="Overview of the graph: drag to pan, scroll to zoom" />}
    </div>
  );
}
