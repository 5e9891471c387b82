import { useCallback, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useEditorApi, useRegistry, useUiApi } from '../app/context.tsx';
import { spotForNewNode } from './placeNode.ts';
import { openFile } from '../documents/files.ts';
import { NODE_MIME } from '../palette/dnd.ts';

/** Drops on the canvas: a palette node type adds that node there; a `.json` file opens it. */
export function useCanvasDrop() {
  const editor = useEditorApi();
  const ui = useUiApi();
  const flow = useReactFlow();
  const registry = useRegistry();

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(NODE_MIME) || e.dataTransfer.types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_MIME);
      if (type) {
        e.preventDefault();
        const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        // Centre the node's header under the pointer rather than its corner, or as near as free space allows.
        const s = editor.getState();
        s.addNode(type, spotForNewNode(s, registry, type, flow, { x: p.x - 100, y: p.y - 20 }));
        return;
      }
      const files = [...e.dataTransfer.files];
      const file = files.find((f) => f.name.toLowerCase().endsWith('.json')) ?? files[0];
      if (file) {
        e.preventDefault();
        void openFile(file, editor, ui);
      }
    },
    [editor, ui, flow, registry],
  );

  return { onDragOver, onDrop };
}
