import { memo, type CSSProperties } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore as useFlowStore, type EdgeProps } from '@xyflow/react';
import { portKind } from '@modalflow/core';
import { useEditor, useRegistry } from '../app/context.tsx';
import { countRender } from '../bench/counters.ts';
import { portKindColor } from './colors.ts';
import type { FlowEdge } from './flowElements.ts';

const labelsVisible = (s: { transform: [number, number, number] }) => s.transform[2] >= 0.45;

/** A wire labelled with the shape it carries (and its dtype when not float32); errors on it show in red. */
export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<FlowEdge>) {
  countRender('edge');
  const { id, source, sourceHandleId, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const view = useEditor((s) => s.edgeViews.get(id));
  const sourceType = useEditor((s) => s.nodeIndex.get(source)?.type);
  const registry = useRegistry();
  const showLabel = useFlowStore(labelsVisible);
  const spec = sourceType && sourceHandleId ? registry.get(sourceType)?.outputs[sourceHandleId] : undefined;
  const color = spec ? portKindColor(portKind(spec)) : 'var(--mf-muted)';
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const problem = view?.problem;
  const text = problem ? problem.code : view?.shape ? (view.dtype && view.dtype !== 'float32' ? `${view.dtype} ${view.shape}` : view.shape) : null;
  const cls = ['mf-edge', problem && 'has-error', selected && 'is-selected'].filter(Boolean).join(' ');
  return (
    <>
      <BaseEdge id={id} path={path} className={cls} style={{ '--wire': color } as CSSProperties} interactionWidth={16} />
      {showLabel && text && (
        <EdgeLabelRenderer>
          <div
            className={`mf-edge-label${problem ? ' has-error' : ''}${selected ? ' is-selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={problem ? `${problem.code}: ${problem.message}` : `${view?.dtype ?? ''} ${view?.shape ?? ''}`.trim()}
            data-testid={`edge-label-${id}`}
          >
            {problem && <span className="mf-edge-label__icon">⚠</span>}
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
