import { useEditor, useEditorApi } from '../app/context.tsx';

/** The path into an open block, with the way back to the graph. */
export function BlockBar() {
  const scope = useEditor((s) => s.scope);
  const title = useEditor((s) => (s.scope ? (s.doc.blocks?.[s.scope]?.title ?? s.scope) : null));
  const instances = useEditor((s) => (s.scope ? s.doc.nodes.filter((n) => n.type === `block:${s.scope}`).length : 0));
  const nested = useEditor((s) => (s.scope ? Object.values(s.doc.blocks ?? {}).some((b) => b.nodes.some((n) => n.type === `block:${s.scope}`)) : false));
  const api = useEditorApi();
  if (!scope) return null;
  return (
    <nav className="mf-blockbar" aria-label="Block path" data-testid="breadcrumb">
      <button type="button" className="mf-blockbar__crumb" onClick={() => api.getState().openBlock(null)} data-testid="breadcrumb-graph">
        ← Graph
      </button>
      <span className="mf-blockbar__sep">›</span>
      <strong data-testid="breadcrumb-block">{title}</strong>
      <span className="mf-muted">
        block “{scope}”: edits here change all {instances} {instances === 1 ? 'instance' : 'instances'}
      </span>
      {instances === 0 && !nested && (
        <button type="button" className="mf-blockbar__crumb" onClick={() => api.getState().deleteBlock(scope)} data-testid="btn-delete-block">
          Delete block
        </button>
      )}
    </nav>
  );
}
