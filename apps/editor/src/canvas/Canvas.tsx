import { useCallback, useEffect, useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { Background, BackgroundVariant, ReactFlow, useReactFlow, type Viewport } from '@xyflow/react';
import { useStore } from 'zustand';
import { useEditor, useEditorApi, useRegistry, useUi, useUiApi } from '../app/context.tsx';
import { DetailProvider } from './detail.tsx';
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

/** Large graphs skip off-screen elements; small ones keep them so panning never pops. */
const VIRTUALIZE_FROM = 300;

export function Canvas() {
  const editor = useEditorApi();
  const ui = useUiApi();
  const registry = useRegistry();
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const [deriveNodes] = useState(createNodeDeriver);
  const [deriveEdges] = useState(createEdgeDeriver);
  const drag = useStore(editor.dragging, (s) => s.positions);
  const nodes = useEditor((s) => deriveNodes(s.view, drag, s.selectedNodes, s.measured));
  const edges = useEditor((s) => deriveEdges(s.view.edges, s.edgeIds, s.selectedEdges));
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
    setInitial(openingViewport(s.view, sizeLookup(s.view, s.types, s.nodeViews, s.measured), { width: r.width, height: r.height }));
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
      onMouseMove={(e) => trackPointer(e.clientX, e.clientY)}
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
            onlyRenderVisibleElements={nodes.length >= VIRTUALIZE_FROM}
            proOptions={proOptions}
            connectionRadius={28}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
            <ZoomBar />
          </ReactFlow>
        </DetailProvider>
      )}
      <EmptyHint />
      <BlockBar />
    </div>
  );
}
