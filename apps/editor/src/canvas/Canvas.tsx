import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Background, BackgroundVariant, ReactFlow, useReactFlow, useStore as useFlowStore, useStoreApi, type ReactFlowState, type Viewport } from '@xyflow/react';
import { useStore } from 'zustand';
import { shallow } from 'zustand/shallow';
import { useEditor, useEditorApi, useRegistry, useUi, useUiApi } from '../app/context.tsx';
import { DETAIL_ZOOM, DetailProvider } from './detail.tsx';
import { FarLayer } from './FarLayer.tsx';
import { VIRTUALIZE_FROM, glyphSize, graphLayout, keepLive, liveEdges, nodeAt, nodesInBox, nodesInView, withNeighbours, type GraphLayout, type Transform } from './liveNodes.ts';
import { EmptyHint } from './EmptyHint.tsx';
import { BlockBar } from '../blocks/BlockBar.tsx';
import { createEdgeDeriver, createNodeDeriver, type FlowEdge, type FlowNode } from './flowElements.ts';
import { NodeView } from './NodeView.tsx';
import { trackPointer } from './pointer.ts';
import { ShapeEdge } from './ShapeEdge.tsx';
import { useCanvasDrop } from './useCanvasDrop.ts';
import { useDragCapture } from './useDragCapture.ts';
import { useFlowHandlers } from './useFlowHandlers.ts';
import { MAX_ZOOM, MIN_ZOOM, openingViewport } from './viewport.ts';
import { sizeLookup } from './nodeSize.ts';
import { showGraph } from './viewCommands.ts';
import { ZoomBar } from './ZoomBar.tsx';

const nodeTypes = { mf: NodeView };
const edgeTypes = { shape: ShapeEdge };
// Props React Flow compares by identity live outside the component, so a drag frame re-renders nothing else.
const multiSelectKeys = ['Shift', 'Meta', 'Control'];
const proOptions = { hideAttribution: true };

const NONE: string[] = [];

/** The view a document opens at and the pane it was computed for. */
interface Opening {
  transform: Transform;
  area: { width: number; height: number };
}
const noEdges: FlowEdge[] = [];

export function Canvas() {
  const editor = useEditorApi();
  const ui = useUiApi();
  const registry = useRegistry();
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const [deriveNodes] = useState(createNodeDeriver);
  const [deriveEdges] = useState(createEdgeDeriver);
  const drag = useStore(editor.dragging, (s) => s.positions);
  const allNodes = useEditor((s) => deriveNodes(s.view, drag, s.selectedNodes, s.measured));
  const allEdges = useEditor((s) => deriveEdges(s.view.edges, s.edgeIds, s.selectedEdges));
  const [opening, setOpening] = useState<Opening | null>(null);
  const { nodes, edges, far, farLayout, onHover, onSelectionStart, onSelectionEnd } = useLiveElements(allNodes, allEdges, drag, opening);
  const theme = useUi((s) => s.theme);
  const handlers = useFlowHandlers();
  const ref = useRef<HTMLDivElement>(null);
  const { onPointerDownCapture, ...dragHandlers } = useDragCapture(ref, handlers.onNodeDragStop);
  const { onDragOver, onDrop } = useCanvasDrop();

  const fitSeq = useUi((s) => s.fitSeq);

  // The first frame is drawn at the view the graph opens at (see openingViewport), computed from
  // the cards' estimated sizes, so nothing renders at one zoom only to jump to another.
  const [initial, setInitial] = useState<Viewport | null>(null);
  useLayoutEffect(() => {
    const r = ref.current!.getBoundingClientRect();
    const s = editor.getState();
    const viewport = openingViewport(s.view, sizeLookup(s.view, s.types, s.nodeViews, s.measured), { width: r.width, height: r.height });
    setInitial(viewport);
    setOpening({ transform: [viewport.x, viewport.y, viewport.zoom], area: { width: r.width, height: r.height } });
  }, [editor, registry]);

  // A newly opened document (file, example) gets its opening view too.
  useEffect(() => {
    if (fitSeq) showGraph({ editor, ui, flow, registry }, 'open', 0);
  }, [fitSeq, editor, ui, flow, registry]);

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const screen = { x: e.clientX, y: e.clientY };
      ui.getState().set({ picker: { screen, flow: flow.screenToFlowPosition(screen) } });
    },
    [ui, flow],
  );

  return (
    <div
      ref={ref}
      className="mf-canvas"
      data-testid="canvas"
      onDoubleClick={onDoubleClick}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onMouseMove={(e) => {
        trackPointer(e.clientX, e.clientY);
        onHover(e.clientX, e.clientY);
      }}
      onPointerDownCapture={onPointerDownCapture}
    >
      {initial && (
        <DetailProvider>
          <ReactFlow<FlowNode, FlowEdge>
            defaultViewport={initial}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            {...handlers}
            {...dragHandlers}
            colorMode={theme}
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={multiSelectKeys}
            zoomOnDoubleClick={false}
            minZoom={MIN_ZOOM}
            maxZoom={MAX_ZOOM}
            onlyRenderVisibleElements={allNodes.length >= VIRTUALIZE_FROM}
            proOptions={proOptions}
            connectionRadius={28}
            onSelectionStart={onSelectionStart}
            onSelectionEnd={onSelectionEnd}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
            {far && farLayout && <FarLayer layout={farLayout} />}
            <ZoomBar />
          </ReactFlow>
        </DetailProvider>
      )}
      <EmptyHint />
      <BlockBar />
    </div>
  );
}

/**
 * What React Flow holds of a big graph. At a readable zoom: the nodes near the view and those
 * wired to them, so opening or panning a thousand-node graph mounts (and React Flow measures and
 * tracks) a few dozen. Zoomed out: a canvas draws the graph, and React Flow holds only the nodes
 * that are selected, moving, or under the pointer, so they can still be clicked and dragged.
 */
function useLiveElements(allNodes: FlowNode[], allEdges: FlowEdge[], drag: Readonly<Record<string, { x: number; y: number }>> | null, opening: Opening | null) {
  const big = allNodes.length >= VIRTUALIZE_FROM;
  const flow = useReactFlow<FlowNode, FlowEdge>();
  // Until React Flow has measured its pane (width 0), the view it is about to open at stands in,
  // so its first render already holds the right nodes rather than none, then these.
  const zoomedOut = useFlowStore((s) => (s.width || !opening ? s.transform[2] : opening.transform[2]) < DETAIL_ZOOM);
  const far = big && zoomedOut;
  const view = useEditor((s) => s.view);
  const nodeViews = useEditor((s) => s.nodeViews);
  const types = useEditor((s) => s.types);
  const measured = useEditor((s) => s.measured);
  const selected = useEditor((s) => s.selectedNodes);
  // Card sizes only widen the area searched; they change with analysis, not with a drag.
  const layout = useMemo(() => (big && !far ? graphLayout(view, sizeLookup(view, types, nodeViews, measured)) : null), [big, far, view, types, nodeViews, measured]);
  const farLayout = useMemo(() => (far ? graphLayout(view, (id) => glyphSize(nodeViews.get(id))) : null), [far, view, nodeViews]);
  const inView = useFlowStore(
    useCallback(
      (s: ReactFlowState) => {
        if (!layout) return NONE;
        return s.width || !opening ? nodesInView(layout, s.transform, { width: s.width, height: s.height }) : nodesInView(layout, opening.transform, opening.area);
      },
      [layout, opening],
    ),
    shallow,
  );
  const [hovered, setHovered] = useState<string | null>(null);
  const farRef = useRef<GraphLayout | null>(null);
  farRef.current = farLayout;
  const dragRef = useRef(drag);
  dragRef.current = drag;
  const onHover = useCallback(
    (clientX: number, clientY: number) => {
      const l = farRef.current;
      if (!l || dragRef.current) return;
      setHovered(nodeAt(l, flow.screenToFlowPosition({ x: clientX, y: clientY })));
    },
    [flow],
  );
  const live = useMemo(() => {
    if (!big) return null;
    const keep = [...selected, ...Object.keys(drag ?? {}), ...(far && hovered ? [hovered] : [])];
    return far ? new Set(keep) : withNeighbours(layout!, inView, keep);
  }, [big, far, layout, inView, selected, drag, hovered]);
  // React Flow's box selection sees only the nodes it holds: zoomed out, the box is matched
  // against the whole graph here, and what it holds is selected (and so mounted) as usual.
  const editor = useEditorApi();
  const boxStart = useRef<{ x: number; y: number } | null>(null);
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  // Called on the box's first move: where it started is in React Flow's store, in flow coordinates.
  const onSelectionStart = useCallback(() => {
    const r = flowStore.getState().userSelectionRect;
    boxStart.current = r ? { x: r.startX, y: r.startY } : null;
  }, [flowStore]);
  const onSelectionEnd = useCallback(
    (e: MouseEvent) => {
      const start = boxStart.current;
      boxStart.current = null;
      const l = farRef.current;
      if (!start || !l) return;
      const inBox = nodesInBox(l, start, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      if (inBox.length) editor.setState((s) => ({ selectedNodes: new Set([...s.selectedNodes, ...inBox]) }));
    },
    [flow, editor],
  );
  const nodes = useMemo(() => (live ? keepLive(allNodes, live) : allNodes), [allNodes, live]);
  const edges = useMemo(() => (far ? noEdges : live ? liveEdges(allEdges, live) : allEdges), [far, allEdges, live]);
  return { nodes, edges, far, farLayout, onHover, onSelectionStart, onSelectionEnd };
}
