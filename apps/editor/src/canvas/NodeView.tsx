import { memo, useCallback, type CSSProperties, type MouseEvent } from 'react';
import { useStore as useFlowStore, type NodeProps } from '@xyflow/react';
import type { AnyNodeDef } from '@modalflow/core';
import { useEditor, useEditorApi, useRegistry, useUiApi } from '../app/context.tsx';
import { countRender } from '../bench/counters.ts';
import { formatCount, formatFlops } from '../graph/format.ts';
import { ParamList } from '../params/ParamList.tsx';
import { categoryColor } from './colors.ts';
import type { FlowNode } from './flowElements.ts';
import { NodePorts } from './NodePorts.tsx';

/** Below this zoom the text is unreadable anyway, so widgets and shapes are left out. */
const DETAIL_ZOOM = 0.45;
const detailSelector = (s: { transform: [number, number, number] }) => s.transform[2] >= DETAIL_ZOOM;

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
  const detail = useFlowStore(detailSelector);
  const api = useEditorApi();
  const onParam = useCallback((name: string, value: unknown) => api.getState().setParam(id, name, value), [api, id]);
  if (!node) return null;
  const collapsed = !!node.ui?.collapsed;
  const errors = view?.problems.filter((p) => p.severity !== 'warning') ?? [];
  const hasParams = Object.keys(def.params).length > 0;
  const cls = ['mf-node', selected && 'is-selected', errors.length && 'has-error', !detail && 'is-far'].filter(Boolean).join(' ');
  return (
    <div className={cls} style={{ '--cat': categoryColor(def.category) } as CSSProperties} data-testid={`node-${id}`} data-type={def.type}>
      <header className="mf-node__header">
        <span className="mf-node__title">{node.label ?? def.title}</span>
        <span className="mf-node__id">{id}</span>
        {detail && <NodeDocButton type={def.type} />}
        {detail && hasParams && (
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
      <NodePorts id={id} def={def} inputs={view?.inputs} outputs={view?.outputs} detail={detail} />
      {detail && hasParams && !collapsed && (
        <div className="mf-node__params nodrag nowheel">
          <ParamList def={def} params={node.params} onChange={onParam} testIdPrefix={`param-${id}`} />
        </div>
      )}
      {detail && (
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
      )}
      {errors.length > 0 && (
        <ul className="mf-node__problems" data-testid={`problems-${id}`}>
          {errors.slice(0, detail ? 3 : 1).map((p, i) => (
            <li key={i} title={p.message}>
              <code>{p.code}</code> {detail && p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

function UnknownNode({ id, type }: { id: string; type: string }) {
  return (
    <div className="mf-node has-error" data-testid={`node-${id}`}>
      <header className="mf-node__header">
        <span className="mf-node__title">{id}</span>
      </header>
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
  return def ? <NodeCard id={id} def={def} selected={selected} /> : <UnknownNode id={id} type={data.nodeType} />;
});
