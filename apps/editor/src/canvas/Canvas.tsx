import { useCallback, useState, type DragEvent, type MouseEvent } from 'react';
import { Background, BackgroundVariant, MiniMap, ReactFlow, useReactFlow, type Node } from '@xyflow/react';
import { useEditor, useEditorApi, useRegistry, useUi, useUiApi } from '../app/context.tsx';
import { openFile } from '../documents/files.ts';
import { categoryColor } from './colors.ts';
import { createEdgeDeriver, createNodeDeriver, type FlowEdge, type FlowNode } from './flowElements.ts';
import { NodeView } from './NodeView.tsx';
import { ShapeEdge } from './ShapeEdge.tsx';
import { useFlowHandlers } from './useFlowHandlers.ts';
import { NODE_MIME } from '../palette/dnd.ts';
import { trackPointer } from './pointer.ts';

const nodeTypes = { mf: NodeView };
const edgeTypes = { shape: ShapeEdge };
const fitOptions = { padding: 0.15, maxZoom: 1.1 };

/** Large graphs skip off-screen elements; small ones keep them so panning never pops. */
const VIRTUALIZE_FROM = 300;

export function Canvas() {
  const [deriveNodes] = useState(createNodeDeriver);
  const [deriveEdges] = useState(createEdgeDeriver);
  const nodes = useEditor((s) => deriveNodes(s.doc, s.drag, s.selectedNodes, s.measured));
  const edges = useEditor((s) => deriveEdges(s.doc.edges, s.edgeIds, s.selectedEdges));
  const theme = useUi((s) => s.theme);
  const handlers = useFlowHandlers();
  const editor = useEditorApi();
  const ui = useUiApi();
  const registry = useRegistry();
  const flow = useReactFlow<FlowNode, FlowEdge>();

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      const target = e.target as HTMLElement;
      if (!target.classList.contains('react-flow__pane')) return;
      const screen = { x: e.clientX, y: e.clientY };
      ui.getState().set({ picker: { screen, flow: flow.screenToFlowPosition(screen) } });
    },
    [ui, flow],
  );

  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer.types.includes(NODE_MIME) || e.dataTransfer.types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  };

  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(NODE_MIME);
    if (type) {
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      editor.getState().addNode(type, { x: p.x - 110, y: p.y - 20 });
      return;
    }
    const file = [...e.dataTransfer.files].find((f) => f.name.toLowerCase().endsWith('.json')) ?? e.dataTransfer.files[0];
    if (file) {
      e.preventDefault();
      void openFile(file, editor, ui);
    }
  };

  const minimapColor = useCallback(
    (n: Node) => categoryColor(registry.get((n as FlowNode).data.nodeType)?.category),
    [registry],
  );

  return (
    <div
      className="mf-canvas"
      data-testid="canvas"
      onDoubleClick={onDoubleClick}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onMouseMove={(e) => trackPointer(e.clientX, e.clientY)}
    >
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        {...handlers}
        colorMode={theme}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        zoomOnDoubleClick={false}
        minZoom={0.05}
        maxZoom={2.5}
        fitView
        fitViewOptions={fitOptions}
        onlyRenderVisibleElements={nodes.length >= VIRTUALIZE_FROM}
        proOptions={{ hideAttribution: true }}
        connectionRadius={28}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} maskColor="var(--mf-minimap-mask)" />
      </ReactFlow>
    </div>
  );
}
