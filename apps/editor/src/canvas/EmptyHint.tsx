import { useEditor, useUiApi } from '../app/context.tsx';

/** What an empty canvas says: how to start, and a way into the examples. */
export function EmptyHint() {
  const empty = useEditor((s) => s.doc.nodes.length === 0);
  const ui = useUiApi();
  if (!empty) return null;
  return (
    <div className="mf-empty" data-testid="empty-hint">
      <div className="mf-empty__card">
        <h2>Start a pipeline</h2>
        <p>Drag a node from the palette, or double-click anywhere here to search for one.</p>
        <p>Drop a graph <code>.json</code> file here to open it.</p>
        <button type="button" className="mf-button" onClick={() => ui.getState().set({ galleryOpen: true })}>
          Browse examples
        </button>
      </div>
    </div>
  );
}
