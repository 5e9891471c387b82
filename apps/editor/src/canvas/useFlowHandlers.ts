import { useMemo } from 'react';
import { useReactFlow, type Connection, type EdgeChange, type FinalConnectionState, type IsValidConnection, type NodeChange } from '@xyflow/react';
import { useEditorApi, useRegistry, useUiApi } from '../app/context.tsx';
import type { Size, XY } from '../store/types.ts';
import type { FlowEdge, FlowNode } from './flowElements.ts';
import { wireMatches } from './openWirePicker.ts';
import { noticeReplaced } from './replacedNotice.ts';
import { blockNameOf } from '@modalflow/core';

function clientPoint(e: MouseEvent | TouchEvent): XY {
  const p = 'changedTouches' in e ? e.changedTouches[0]! : e;
  return { x: p.clientX, y: p.clientY };
}

function applySelection(current: ReadonlySet<string>, changes: { id: string; selected: boolean }[]): ReadonlySet<string> {
  if (!changes.length) return current;
  const next = new Set(current);
  for (const c of changes) {
    if (c.selected) next.add(c.id);
    else next.delete(c.id);
  }
  return next;
}

/** React Flow's events turned into store actions; deletion goes through the keymap so it is one step. */
export function useFlowHandlers() {
  const editor = useEditorApi();
  const ui = useUiApi();
  const registry = useRegistry();
  const flow = useReactFlow<FlowNode, FlowEdge>();

  return useMemo(() => {
    const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
      const s = editor.getState();
      const dragging: Record<string, XY> = {};
      const dropped: Record<string, XY> = {};
      const sizes: Record<string, Size> = {};
      const selects: { id: string; selected: boolean }[] = [];
      for (const c of changes) {
        if (c.type === 'position' && c.position) (c.dragging ? dragging : dropped)[c.id] = c.position;
        else if (c.type === 'dimensions' && c.dimensions) sizes[c.id] = c.dimensions;
        else if (c.type === 'select') selects.push(c);
      }
      if (Object.keys(sizes).length) s.setMeasured(sizes);
      if (selects.length) editor.setState({ selectedNodes: applySelection(s.selectedNodes, selects) });
      if (Object.keys(dragging).length) s.dragTo(dragging);
      if (Object.keys(dropped).length) {
        if (s.isDragging()) {
          s.dragTo(dropped);
          editor.getState().endDrag();
        } else {
          s.moveNodes(dropped);
        }
      }
    };

    const onEdgesChange = (changes: EdgeChange<FlowEdge>[]) => {
      const selects = changes.flatMap((c) => (c.type === 'select' ? [c] : []));
      if (selects.length) editor.setState((s) => ({ selectedEdges: applySelection(s.selectedEdges, selects) }));
    };

    const onConnect = (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      const result = editor.getState().connect({ from: [c.source, c.sourceHandle], to: [c.target, c.targetHandle] });
      if (!result.ok) {
        ui.getState().notify({ kind: 'error', title: 'Connection refused', code: result.code, detail: result.message });
      } else noticeReplaced(result, editor, ui);
    };

    const isValidConnection: IsValidConnection<FlowEdge> = (c) => c.source !== c.target;

    const onConnectEnd = (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || state.toNode || !state.fromHandle?.id) return;
      const end = { node: state.fromHandle.nodeId, port: state.fromHandle.id, side: state.fromHandle.type } as const;
      const screen = clientPoint(event);
      const flowPos = flow.screenToFlowPosition(screen);
      const matches = wireMatches(editor.getState(), registry, end);
      const at = end.side === 'source' ? flowPos : { x: flowPos.x - 240, y: flowPos.y };
      ui.getState().set({ picker: { screen, flow: { x: at.x, y: at.y - 20 }, link: end, matches } });
    };

    const onNodeDragStop = () => editor.getState().endDrag();
    const onNodeDoubleClick = (_: unknown, node: FlowNode) => {
      const name = blockNameOf(node.data.nodeType);
      if (name !== undefined) editor.getState().openBlock(name);
    };

    return { onNodesChange, onEdgesChange, onConnect, isValidConnection, onConnectEnd, onNodeDragStop, onNodeDoubleClick };
  }, [editor, ui, registry, flow]);
}
