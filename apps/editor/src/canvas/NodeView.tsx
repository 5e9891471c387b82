import { memo, useCallback, type CSSProperties, type MouseEvent } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { AnyNodeDef } from '@modalflow/core';
import { useEditor, useEditorApi, useRegistry, useUiApi } from '../app/context.tsx';
import { countRender } from '../bench/counters.ts';
import { formatCount, formatFlops } from '../graph/format.ts';
import { ParamList } from '../params/ParamList.tsx';
import { docHash } from '../run/docHash.ts';
import { categoryColor } from './colors.ts';
import type { FlowNode } from './flowElements.ts';
import { NodePorts, declaredPorts } from './NodePorts.tsx';
import { useDetail } from './detail.tsx';


function NodeDocButton({ type }: { type: string }) {
  const ui = useUiApi();
  const show = (e: MouseEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    ui.getState().set({ tooltip: { type, x: r.right + 8, y: r.top } });
  };
  return (
    <span className="mf-node__info" onMouseEnter={show} onMouseLeave={() => ui.getState().set({ tooltip: null })} aria-label="Documentation">
      i
    </span>
  );
}

const NodeCard = memo(function NodeCard({ id, def, selected }: { id: string; def: AnyNodeDef; selected: boolean }) {
  const node = useEditor((s) => s.nodeIndex.get(id));
  const view = useEditor((s) => s.nodeViews.get(id));
  // Hashing the graph is only paid for once something has run.
  const runState = useEditor((s) => (s.run.stagesHash !== null && s.run.stagesHash === docHash(s.doc) ? s.run.nodeStates.get(id) : undefined));
  const orphan = useEditor((s) => s.orphans.has(id));
  const api = useEditorApi();
  const onParam = useCallback((name: string, value: unknown) => api.getState().setParam(id, name, value), [api, id]);
  if (!node) return null;
  const collapsed = !!node.ui?.collapsed;
  const errors = view?.problems.filter((p) => p.severity !== 'warning') ?? [];
  const hasParams = Object.keys(def.params).length > 0;
  const cls = ['mf-node', selected && 'is-selected', errors.length && 'has-error', orphan && 'is-orphan'].filter(Boolean).join(' ');
  return (
    <div className={cls} style={{ '--cat': categoryColor(def.category) } as CSSProperties} data-testid={`node-${id}`} data-type={def.type} data-run={runState} data-orphan={orphan || undefined}>
      {runState && runState !== 'waiting' && <span className="mf-node__run">{runState}</span>}
      {orphan && <span className="mf-node__orphan" title="A new wire replaced this branch's wire into an input: it feeds nothing now. Wire it again or delete it.">feeds nothing</span>}
      <header className="mf-node__header">
        <span className="mf-node__names">
          <span className="mf-node__title" title={def.title}>
            {node.label ?? def.title}
          </span>
          <span className="mf-node__id">{id}</span>
        </span>
        <NodeDocButton type={def.type} />
        {hasParams && (
          <button
            type="button"
            className="mf-node__fold nodrag"
            aria-label={collapsed ? 'Show params' : 'Hide params'}
            onClick={() => api.getState().setCollapsed(id, !collapsed)}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        )}
      </header>
      <NodePorts id={id} {...(view ?? declaredPorts(def))} detail />
      {hasParams && !collapsed && (
        <div className="mf-node__params nodrag nowheel">
          <ParamList def={def} params={node.params} onChange={onParam} testIdPrefix={`param-${id}`} />
        </div>
      )}
      <footer className="mf-node__costs" data-testid={`costs-${id}`}>
        {view?.ok ? (
          <>
            <span>{view.paramCount ? `${formatCount(view.paramCount)} params` : 'no weights'}</span>
            {view.flops > 0 && <span>{formatFlops(view.flops)}</span>}
          </>
        ) : (
          <span className="mf-muted">costs unknown</span>
        )}
      </footer>
      {errors.length > 0 && (
        <ul className="mf-node__problems" data-testid={`problems-${id}`}>
          {errors.slice(0, 3).map((p, i) => (
            <li key={i} title={p.message}>
              <code>{p.code}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

/**
 * What a node is zoomed out, where text is unreadable: its colour, title and handles, with no
 * widgets, clipping or shadows, so a thousand of them stay cheap to paint and hit-test.
 */
const NodeGlyph = memo(function NodeGlyph({ id, def, selected }: { id: string; def: AnyNodeDef; selected: boolean }) {
  const label = useEditor((s) => s.nodeIndex.get(id)?.label);
  const view = useEditor((s) => s.nodeViews.get(id));
  const orphan = useEditor((s) => s.orphans.has(id));
  const cls = ['mf-node', 'is-far', selected && 'is-selected', !view?.ok && 'has-error', orphan && 'is-orphan'].filter(Boolean).join(' ');
  return (
    <div className={cls} style={{ '--cat': categoryColor(def.category) } as CSSProperties} data-testid={`node-${id}`} data-type={def.type} data-orphan={orphan || undefined}>
      <header className="mf-node__header">{label ?? def.title}</header>
      <NodePorts id={id} {...(view ?? declaredPorts(def))} detail={false} />
    </div>
  );
});

/** A node whose type this build does not know: its edges still attach, and the problem says why. */
function UnknownNode({ id, type }: { id: string; type: string }) {
  const view = useEditor((s) => s.nodeViews.get(id));
  return (
    <div className="mf-node has-error" data-testid={`node-${id}`}>
      <header className="mf-node__header">
        <span className="mf-node__names">
          <span className="mf-node__title">{type}</span>
          <span className="mf-node__id">{id}</span>
        </span>
      </header>
      {view && <NodePorts id={id} inputs={view.inputs} outputs={view.outputs} detail />}
      <ul className="mf-node__problems">
        <li>
          <code>MF_UNKNOWN_NODE_TYPE</code> unknown node type "{type}"
        </li>
      </ul>
    </div>
  );
}

/** The one node component: everything it shows comes from the type's definition and the analysis. */
export const NodeView = memo(function NodeView({ id, data, selected }: NodeProps<FlowNode>) {
  countRender('node');
  const def = useRegistry().get(data.nodeType);
  const detail = useDetail();
  if (!def) return <UnknownNode id={id} type={data.nodeType} />;
  return detail ? <NodeCard id={id} def={def} selected={selected} /> : <NodeGlyph id={id} def={def} selected={selected} />;
});
