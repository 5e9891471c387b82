import { useEditor } from '../app/context.tsx';
import { formatCount, formatFlops } from '../graph/format.ts';
import { EdgeInspector } from './EdgeInspector.tsx';
import { GraphOverview } from './GraphOverview.tsx';
import { NodeInspector } from './NodeInspector.tsx';
import { MakeBlock } from '../blocks/MakeBlock.tsx';

const single = (s: ReadonlySet<string>) => (s.size === 1 ? s.values().next().value! : null);

function SelectionSummary() {
  const summary = useEditor((s) => {
    let params = 0;
    let flops = 0;
    for (const id of s.selectedNodes) {
      params += s.nodeViews.get(id)?.paramCount ?? 0;
      flops += s.nodeViews.get(id)?.flops ?? 0;
    }
    return `${s.selectedNodes.size}|${params}|${flops}`;
  });
  const [n, params, flops] = summary.split('|').map(Number) as [number, number, number];
  return (
    <div className="mf-inspector__content" data-testid="inspector-selection">
      <header className="mf-inspector__head">
        <span className="mf-chip mf-chip--plain">Selection</span>
        <h2>{n} nodes</h2>
      </header>
      <div className="mf-stats">
        <div>
          <strong>{formatCount(params)}</strong>
          <span>params</span>
        </div>
        <div>
          <strong>{formatFlops(flops)}</strong>
          <span>per example</span>
        </div>
      </div>
      <MakeBlock />
      <p className="mf-muted">Copy with Ctrl+C and paste into this or another tab with Ctrl+V; Delete removes them.</p>
    </div>
  );
}

export function Inspector() {
  const id = useEditor((s) => single(s.selectedNodes));
  const many = useEditor((s) => s.selectedNodes.size > 1);
  const edge = useEditor((s) => (s.selectedNodes.size ? null : single(s.selectedEdges)));
  return (
    <aside className="mf-inspector" data-testid="inspector">
      {id ? <NodeInspector key={id} id={id} /> : many ? <SelectionSummary /> : edge ? <EdgeInspector key={edge} id={edge} /> : <GraphOverview />}
    </aside>
  );
}
