import { useEditor, useEditorApi, useRunner, useUi, useUiApi } from '../app/context.tsx';
import { docHash } from '../run/docHash.ts';
import { TensorSummary } from '../results/TensorSummary.tsx';
import { flatTensor } from '../blocks/flatTensor.ts';

/**
 * A selected wire: the shape the analysis gives it and, after a run, the tensor it carried.
 * A tensor the run did not keep can be kept: the graph is compiled again with that port tapped.
 */
export function EdgeInspector({ id }: { id: string }) {
  const edge = useEditor((s) => s.edgeIndex.get(id));
  const view = useEditor((s) => s.edgeViews.get(id));
  const result = useEditor((s) => s.run.result);
  const stale = useEditor((s) => !!s.run.result && s.run.result.graphHash !== docHash(s.doc));
  const busy = useEditor((s) => ['compiling', 'loading', 'running'].includes(s.run.status));
  const runOpen = useUi((s) => s.runOpen);
  const editor = useEditorApi();
  const ui = useUiApi();
  const runner = useRunner();
  const tap = useEditor((s) => (edge ? flatTensor(s.analysis, s.scope, s.nodeIndex, edge) : undefined));
  if (!edge) return null;
  const tensor = result && !stale && tap ? result.tensors[tap] : undefined;

  const capture = () => {
    if (!tap) return;
    editor.getState().inspectTensor(tap);
    if (!runOpen) ui.getState().set({ runOpen: true });
    void runner?.run();
  };

  return (
    <div className="mf-inspector__content" data-testid="edge-inspector">
      <header className="mf-inspector__head">
        <span className="mf-chip mf-chip--plain">Wire</span>
        <h2 className="mf-mono mf-edge-title">
          {edge.from.join('.')} → {edge.to.join('.')}
        </h2>
        <span className="mf-muted">
          {view?.shape ? `${view.dtype ?? ''} ${view.shape}`.trim() : 'shape unknown'}
          {view?.problem ? ` · ${view.problem.code}` : ''}
        </span>
      </header>
      <section className="mf-section">
        <h3>Tensor from the last run</h3>
        {tensor ? (
          <TensorSummary tensor={tensor} />
        ) : (
          <div className="mf-edge-missing">
            <p className="mf-muted">
              {!result
                ? 'Run the graph to see the values this wire carries.'
                : stale
                  ? 'The graph changed since the last run.'
                  : 'The last run did not keep this tensor: it stayed inside its ONNX model.'}
            </p>
            <button type="button" className="mf-button" onClick={capture} disabled={busy || !runner} data-testid="edge-capture">
              {result && !stale ? 'Keep it and run again' : 'Run and keep it'}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
