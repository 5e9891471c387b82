import { useReactFlow } from '@xyflow/react';
import type { Problem } from '@modalflow/core';
import { useEditor, useEditorApi } from '../app/context.tsx';
import { formatCount, formatFlops } from '../graph/format.ts';
import { AssetList } from './AssetList.tsx';
import { ProblemList } from './ProblemList.tsx';

/** With nothing selected: the document's title and description, totals, and every problem. */
export function GraphOverview() {
  const meta = useEditor((s) => s.doc.meta);
  const totals = useEditor((s) => s.analysis.totals);
  const problems = useEditor((s) => s.analysis.problems);
  const counts = useEditor((s) => `${s.doc.nodes.length}:${s.doc.edges.length}`);
  const api = useEditorApi();
  const flow = useReactFlow();
  const [nodes, edges] = counts.split(':');

  const pick = (p: Problem) => {
    const s = api.getState();
    const nodeId = p.at.node ?? (p.at.edge !== undefined ? s.doc.edges[p.at.edge]?.to[0] : undefined);
    const node = nodeId ? s.nodeIndex.get(nodeId) : undefined;
    if (!node) return;
    s.select([node.id], p.at.edge !== undefined ? [s.edgeIds[p.at.edge]!] : []);
    const size = s.measured.get(node.id) ?? { width: 220, height: 120 };
    void flow.setCenter((node.ui?.x ?? 0) + size.width / 2, (node.ui?.y ?? 0) + size.height / 2, { zoom: 1, duration: 300 });
  };

  return (
    <div className="mf-inspector__content" data-testid="inspector-graph">
      <header className="mf-inspector__head">
        <span className="mf-chip mf-chip--plain">Graph</span>
        <input
          key={`t:${meta.title ?? ''}`}
          className="mf-title-input"
          defaultValue={meta.title ?? ''}
          placeholder="Untitled"
          aria-label="Title"
          onBlur={(e) => api.getState().setMeta({ title: e.target.value })}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
        />
      </header>
      <section className="mf-section">
        <textarea
          key={`d:${meta.description ?? ''}`}
          className="mf-field__input mf-description"
          defaultValue={meta.description ?? ''}
          placeholder="What does this graph do?"
          aria-label="Description"
          rows={4}
          onBlur={(e) => api.getState().setMeta({ description: e.target.value })}
          onKeyDown={(e) => e.stopPropagation()}
        />
      </section>
      <section className="mf-section">
        <div className="mf-stats mf-stats--4">
          <div>
            <strong>{nodes}</strong>
            <span>nodes</span>
          </div>
          <div>
            <strong>{edges}</strong>
            <span>edges</span>
          </div>
          <div>
            <strong>{formatCount(totals.params)}</strong>
            <span>params</span>
          </div>
          <div>
            <strong>{formatFlops(totals.flops).replace(' ', '\u00a0')}</strong>
            <span>per example</span>
          </div>
        </div>
      </section>
      <AssetList />
      <section className="mf-section">
        <h3>Problems</h3>
        {problems.length ? <ProblemList problems={problems} onPick={pick} /> : <p className="mf-ok">✓ The graph checks out: every shape is known.</p>}
      </section>
      <section className="mf-section mf-hints">
        <h3>Getting started</h3>
        <ul>
          <li>Drag a node from the palette, or double-click the canvas to search.</li>
          <li>Drag from a port into empty space to add a node that fits.</li>
          <li>
            Press <kbd>?</kbd> for every shortcut.
          </li>
        </ul>
      </section>
    </div>
  );
}
