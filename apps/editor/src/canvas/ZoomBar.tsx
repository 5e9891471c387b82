import { Panel, useReactFlow, useStore as useFlowStore } from '@xyflow/react';
import { useEditorApi, useRegistry, useUi, useUiApi } from '../app/context.tsx';
import { showGraph } from './viewCommands.ts';

const STEP = 1.25;

/** Zoom out, the zoom as a percentage (click for 100%), zoom in, fit, and the minimap switch. */
export function ZoomBar() {
  const flow = useReactFlow();
  const editor = useEditorApi();
  const ui = useUiApi();
  const registry = useRegistry();
  const zoom = useFlowStore((s) => s.transform[2]);
  const minimap = useUi((s) => s.minimapOpen);
  const percent = `${Math.round(zoom * 100)}%`;
  return (
    <Panel position="bottom-left" className="mf-zoombar" data-testid="zoom-bar">
      <button type="button" onClick={() => void flow.zoomTo(zoom / STEP, { duration: 150 })} aria-label="Zoom out" title="Zoom out" data-testid="zoom-out">
        −
      </button>
      <button type="button" className="mf-zoombar__level" onClick={() => void flow.zoomTo(1, { duration: 150 })} title="Zoom to 100%" data-testid="zoom-level">
        {percent}
      </button>
      <button type="button" onClick={() => void flow.zoomTo(zoom * STEP, { duration: 150 })} aria-label="Zoom in" title="Zoom in" data-testid="zoom-in">
        +
      </button>
      <button type="button" onClick={() => showGraph({ editor, ui, flow, registry }, 'fit')} title="Show the whole graph" data-testid="zoom-fit">
        Fit
      </button>
      <button
        type="button"
        className={minimap ? 'is-on' : ''}
        onClick={() => ui.getState().set({ minimapOpen: !minimap })}
        aria-pressed={minimap}
        title={minimap ? 'Hide the minimap' : 'Show the minimap'}
        data-testid="minimap-toggle"
      >
        Map
      </button>
    </Panel>
  );
}
