import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeRegistry } from '@modalflow/core';
import type { EditorStore } from '../store/createEditorStore.ts';
import type { UiStore } from '../ui/uiStore.ts';
import { sizeLookup } from './nodeSize.ts';
import { fitViewport, openingViewport, type Area } from './viewport.ts';

/** React Flow's minimap (200×150) and its 15px margin, plus room so a card never touches it. */
export const MINIMAP_RESERVE = 240;
export const MINIMAP_RESERVE_BOTTOM = 190;

export function canvasArea(ui: UiStore): Area | null {
  const el = document.querySelector('[data-testid="canvas"]');
  if (!el) return null;
  const r = el.getBoundingClientRect();
  const open = ui.getState().minimapOpen;
  return { width: r.width, height: r.height, reserveRight: open ? MINIMAP_RESERVE : 0, reserveBottom: open ? MINIMAP_RESERVE_BOTTOM : 0 };
}

interface Deps {
  editor: EditorStore;
  ui: UiStore;
  flow: Pick<ReactFlowInstance, 'setViewport'>;
  registry: NodeRegistry;
}

/** Shows the whole graph (`fit`) or the view a document opens at (`open`), clear of the minimap. */
export function showGraph({ editor, ui, flow, registry }: Deps, how: 'fit' | 'open', duration = 250) {
  const area = canvasArea(ui);
  if (!area) return;
  const s = editor.getState();
  const sizeOf = sizeLookup(s.view, s.types, s.nodeViews, s.measured);
  const viewport = how === 'fit' ? fitViewport(s.view, sizeOf, area) : openingViewport(s.view, sizeOf, area);
  void flow.setViewport(viewport, duration ? { duration } : undefined);
}
