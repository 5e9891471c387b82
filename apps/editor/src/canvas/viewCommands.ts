import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeRegistry } from '@modalflow/core';
import type { EditorStore } from '../store/createEditorStore.ts';
import type { UiStore } from '../ui/uiStore.ts';
import { sizeLookup } from './nodeSize.ts';
import { fitViewport, openingViewport, type Area } from './viewport.ts';

/** The canvas' whole area: the minimap is docked beside it, so no corner of it is kept free. */
export function canvasArea(): Area | null {
  const el = document.querySelector('[data-testid="canvas"]');
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { width: r.width, height: r.height };
}

interface Deps {
  editor: EditorStore;
  ui: UiStore;
  flow: Pick<ReactFlowInstance, 'setViewport'>;
  registry: NodeRegistry;
}

/** Shows the whole graph (`fit`) or the view a document opens at (`open`). */
export function showGraph({ editor, flow }: Deps, how: 'fit' | 'open', duration = 250) {
  const area = canvasArea();
  if (!area) return;
  const s = editor.getState();
  const sizeOf = sizeLookup(s.view, s.types, s.nodeViews, s.measured);
  const viewport = how === 'fit' ? fitViewport(s.view, sizeOf, area) : openingViewport(s.view, sizeOf, area);
  void flow.setViewport(viewport, duration ? { duration } : undefined);
}
