import { memo, type CSSProperties, type MouseEvent } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { useEditor, useEditorApi } from '../app/context.tsx';
import { countRender } from '../bench/counters.ts';
import { portKindColor } from './colors.ts';
import type { FlowEdge } from './flowElements.ts';
import { useDetail } from './detail.tsx';


/** Graphs with fewer nodes than this keep wire labels when zoomed out. */
const FAR_LABELS_UNDER = 120;

/** A wire labelled with the shape it carries (and its dtype when not float32); errors on it show in red. */
export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<FlowEdge>) {
  countRender('edge');
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const view = useEditor((s) => s.edgeViews.get(id));
  const api = useEditorApi();
  const detail = useDetail();
  // Zoomed out, a small graph keeps its shapes on the wires, drawn larger so they stay readable;
  // a big one drops them, as they would cover each other and cost a layer each.
  const small = useEditor((s) => s.view.nodes.length < FAR_LABELS_UNDER);
  const showLabel = detail || small;
  const color = view ? portKindColor(view.kind) : 'var(--mf-muted)';
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const problem = view?.problem;
  // An unknown shape still gets a label, so a wire never silently hides that upstream is broken.
  const text = problem ? problem.code : view?.shape ? (view.dtype && view.dtype !== 'float32' ? `${view.dtype} ${view.shape}` : view.shape) : '?';
  // The label is the easiest part of a wire to hit: clicking it selects the wire, whose tensor the inspector shows.
  const selectWire = (e: MouseEvent) => {
    e.stopPropagation();
    api.getState().select([], [id]);
  };
  const cls = ['mf-edge', problem && 'has-error', selected && 'is-selected'].filter(Boolean).join(' ');
  return (
    <>
      <BaseEdge id={id} path={path} className={cls} style={{ '--wire': color } as CSSProperties} interactionWidth={showLabel ? 16 : 0} />
      {showLabel && (
        <EdgeLabelRenderer>
          <div
            className={`mf-edge-label${detail ? '' : ' is-far'}${problem ? ' has-error' : ''}${view?.shape || problem ? '' : ' is-unknown'}${selected ? ' is-selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={problem ? `${problem.code}: ${problem.message}` : view?.shape ? `${view.dtype ?? ''} ${view.shape}`.trim() : 'Shape unknown until the nodes upstream are fixed'}
            data-testid={`edge-label-${id}`}
            onClick={selectWire}
          >
            {problem && <span className="mf-edge-label__icon">⚠</span>}
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
