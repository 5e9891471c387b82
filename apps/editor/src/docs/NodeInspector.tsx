import { useCallback } from 'react';
import { formatShape } from '@modalflow/core';
import type { PortView } from '../store/types.ts';
import { useEditor, useEditorApi, useRegistry } from '../app/context.tsx';
import { categoryColor, categoryLabel } from '../canvas/colors.ts';
import { formatCount, formatFlops } from '../graph/format.ts';
import { ParamList } from '../params/ParamList.tsx';
import { NodeDocs } from './NodeDocs.tsx';
import { ProblemList } from './ProblemList.tsx';
import { blockNameOf } from '@modalflow/core';
import { BlockActions } from '../blocks/BlockActions.tsx';
import { InnerParams } from '../blocks/InnerParams.tsx';

function PortTable({ title, ports }: { title: string; ports: readonly PortView[] }) {
  if (!ports.length) return null;
  return (
    <section className="mf-section">
      <h3>{title}</h3>
      <table className="mf-table">
        <tbody>
          {ports.map((p) => (
            <tr key={p.name} title={p.spec.description}>
              <td className="mf-mono">
                {p.name}
                {p.spec.optional && !p.unknown && <span className="mf-muted">?</span>}
              </td>
              <td className="mf-mono mf-muted">{p.unknown ? '—' : (p.dtype ?? p.spec.dtypes.join('|'))}</td>
              <td className="mf-mono">{p.unknown ? <span className="mf-error-text">unknown port</span> : (p.shape ?? <span className="mf-muted">[{p.spec.shape?.join(', ') ?? 'any'}]</span>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Everything about the selected node: label, params, port shapes, costs, weights, problems, docs. */
export function NodeInspector({ id }: { id: string }) {
  const node = useEditor((s) => s.nodeIndex.get(id));
  const view = useEditor((s) => s.nodeViews.get(id));
  const weights = useEditor((s) => s.viewAnalysis.nodes.get(id)?.weights);
  const prefix = useEditor((s) => s.viewAnalysis.nodes.get(id)?.weightPrefix ?? id);
  const def = useRegistry().get(node?.type ?? '');
  const api = useEditorApi();
  const onParam = useCallback((name: string, value: unknown) => api.getState().setParam(id, name, value), [api, id]);
  if (!node) return null;
  if (!def) return <div className="mf-inspector__empty">Unknown node type “{node.type}”.</div>;
  const weightRows = Object.entries(weights ?? {});
  return (
    <div className="mf-inspector__content" data-testid="inspector-node">
      <header className="mf-inspector__head">
        <span className="mf-chip" style={{ background: categoryColor(def.category) }}>
          {categoryLabel(def.category)}
        </span>
        <h2>{def.title}</h2>
        <div className="mf-muted mf-mono">
          {def.type} v{def.version}
        </div>
      </header>
      <section className="mf-section mf-section--row">
        <label className="mf-field__label" htmlFor="mf-node-label">
          Label
        </label>
        <input
          id="mf-node-label"
          key={`${id}:${node.label ?? ''}`}
          className="mf-field__input"
          defaultValue={node.label ?? ''}
          placeholder={def.title}
          onBlur={(e) => api.getState().setLabel(id, e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
        />
        <span className="mf-muted mf-mono" title="Node id: prefixes its weight names">
          #{id}
        </span>
      </section>
      {view && view.problems.length > 0 && (
        <section className="mf-section">
          <ProblemList problems={view.problems} />
        </section>
      )}
      {blockNameOf(def.type) !== undefined && <BlockActions id={id} name={blockNameOf(def.type)!} />}
      {Object.keys(def.params).length > 0 && (
        <section className="mf-section">
          <h3>Parameters</h3>
          <ParamList def={def} params={node.params} onChange={onParam} testIdPrefix={`inspector-param-${id}`} />
        </section>
      )}
      <InnerParams id={id} />
      <PortTable title="Inputs" ports={view?.inputs ?? []} />
      <PortTable title="Outputs" ports={view?.outputs ?? []} />
      <section className="mf-section">
        <h3>Cost</h3>
        <div className="mf-stats">
          <div>
            <strong>{view?.ok ? formatCount(view.paramCount) : '—'}</strong>
            <span>parameters</span>
          </div>
          <div>
            <strong>{view?.ok ? formatFlops(view.flops) : '—'}</strong>
            <span>per example</span>
          </div>
        </div>
        {weightRows.length > 0 && (
          <table className="mf-table mf-table--weights">
            <tbody>
              {weightRows.map(([name, w]) => (
                <tr key={name}>
                  <td className="mf-mono">
                    {prefix ? `${prefix}.${name}` : name}
                  </td>
                  <td className="mf-mono mf-muted">{formatShape(w.shape)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="mf-section">
        <h3>Documentation</h3>
        <NodeDocs def={def} />
      </section>
    </div>
  );
}
