import { useEditor, useUi } from '../app/context.tsx';
import { formatCount, formatFlops } from '../graph/format.ts';

function useProblemCounts() {
  const key = useEditor((s) => {
    let errors = 0;
    let warnings = 0;
    for (const p of s.analysis.problems) {
      if (p.severity === 'warning') warnings++;
      else errors++;
    }
    return `${errors}:${warnings}`;
  });
  const [errors, warnings] = key.split(':').map(Number) as [number, number];
  return { errors, warnings };
}

/** Graph totals and health at a glance; the problems themselves are in the inspector. */
export function StatusBar() {
  const totals = useEditor((s) => s.analysis.totals);
  const nodes = useEditor((s) => s.doc.nodes.length);
  const edges = useEditor((s) => s.doc.edges.length);
  const savedAt = useUi((s) => s.savedAt);
  const { errors, warnings } = useProblemCounts();
  return (
    <footer className="mf-status">
      <span data-testid="status-counts">
        {nodes} nodes · {edges} edges
      </span>
      <span className="mf-status__sep" />
      <span data-testid="status-totals" title={`${totals.params.toLocaleString()} parameters, ${totals.flops.toLocaleString()} FLOPs per example`}>
        <strong>{formatCount(totals.params)}</strong> params · <strong>{formatFlops(totals.flops)}</strong>
      </span>
      <span className="mf-status__sep" />
      <span data-testid="status-problems" className={errors ? 'mf-status__bad' : warnings ? 'mf-status__warn' : 'mf-status__good'}>
        {errors ? `${errors} error${errors === 1 ? '' : 's'}` : '✓ no errors'}
        {warnings ? ` · ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}
      </span>
      <span className="mf-status__grow" />
      {savedAt && <span className="mf-muted" data-testid="status-autosave">Autosaved {new Date(savedAt).toLocaleTimeString()}</span>}
    </footer>
  );
}
