import { useMemo } from 'react';
import { useReactFlow, type ReactFlowInstance } from '@xyflow/react';
import { emptyGraph, isModalflowError, type NodeRegistry } from '@modalflow/core';
import { buildOnnxZip } from '../documents/exportOnnx.ts';
import { downloadBlob, fileNameFor, forgetSaveHandle, saveDocument } from '../documents/files.ts';
import { layoutGraph } from '../graph/layout.ts';
import { sizeLookup } from '../canvas/nodeSize.ts';
import { showGraph } from '../canvas/viewCommands.ts';
import type { EditorStore } from '../store/createEditorStore.ts';
import type { UiStore } from '../ui/uiStore.ts';
import type { ActionId } from '../ui/keymap.ts';
import type { Runner } from '../run/runner.ts';
import { useEditorApi, useRegistry, useRunner, useUiApi } from './context.tsx';

export const OPEN_INPUT_ID = 'mf-open-input';

export type Actions = Record<ActionId | 'examples' | 'exportOnnx' | 'toggleTheme' | 'runPanel' | 'trainPanel', () => void>;

interface Deps {
  editor: EditorStore;
  ui: UiStore;
  flow: ReactFlowInstance;
  registry: NodeRegistry;
  runner: Runner | null;
}

/** Every command of the toolbar and the keymap, in one place so both behave the same. */
export function createActions({ editor, ui, flow, registry, runner }: Deps): Actions {
  const fit = () => showGraph({ editor, ui, flow, registry }, 'fit');
  const busy = (label: string | null) => ui.getState().set({ busy: label });

  return {
    undo: () => editor.getState().undo(),
    redo: () => editor.getState().redo(),
    // With nothing selected inside an open block, Backspace goes back up to the graph.
    delete: () => {
      const s = editor.getState();
      if (s.scope && !s.selectedNodes.size && !s.selectedEdges.size) s.openBlock(null);
      else s.deleteSelection();
    },
    selectAll: () => editor.getState().selectAll(),
    fit,
    help: () => ui.getState().set({ helpOpen: !ui.getState().helpOpen }),
    save: () => void saveDocument(editor, ui),
    saveAs: () => void saveDocument(editor, ui, { saveAs: true }),
    open: () => document.getElementById(OPEN_INPUT_ID)?.click(),
    examples: () => ui.getState().set({ galleryOpen: true }),
    toggleTheme: () => ui.getState().set({ theme: ui.getState().theme === 'dark' ? 'light' : 'dark' }),
    runPanel: () => ui.getState().set({ runOpen: !ui.getState().runOpen, trainOpen: false }),
    trainPanel: () => ui.getState().set({ trainOpen: !ui.getState().trainOpen, runOpen: false }),
    makeBlock: () => {
      const made = editor.getState().makeBlock();
      if (typeof made !== 'string') ui.getState().notify({ kind: 'info', title: 'No block made', detail: made.refused });
    },
    closeBlock: () => editor.getState().openBlock(null),
    run: () => {
      ui.getState().set({ runOpen: true, trainOpen: false });
      void runner?.run();
    },

    new: () => {
      editor.getState().replaceDocument(emptyGraph());
      forgetSaveHandle();
      ui.getState().notify({ kind: 'info', title: 'New graph', detail: 'Undo brings the previous one back.' });
    },

    escape: () => {
      const u = ui.getState();
      if (u.picker || u.helpOpen || u.galleryOpen || u.report || u.evalReport) u.set({ picker: null, helpOpen: false, galleryOpen: false, report: null, evalReport: null });
      else editor.getState().clearSelection();
    },

    layout: async () => {
      const s = editor.getState();
      if (!s.view.nodes.length) return;
      busy('Laying out…');
      try {
        const ports = (id: string) => {
          const v = s.nodeViews.get(id);
          return { inputs: v?.inputs.map((p) => p.name) ?? [], outputs: v?.outputs.map((p) => p.name) ?? [] };
        };
        // Cards React Flow has not measured (off screen, or drawn as glyphs) get the size rule's size.
        const sizeOf = sizeLookup(s.view, s.types, s.nodeViews, s.measured);
        const sizes = new Map(s.view.nodes.flatMap((n) => {
          const size = sizeOf(n.id);
          return size ? [[n.id, size] as const] : [];
        }));
        const positions = await layoutGraph(s.view, ports, sizes);
        editor.getState().moveNodes(positions);
        requestAnimationFrame(fit);
      } catch (e) {
        ui.getState().notify({ kind: 'error', title: 'Layout failed', detail: (e as Error).message });
      } finally {
        busy(null);
      }
    },

    exportOnnx: async () => {
      const { doc, fileName, assetLookup, libraries } = editor.getState();
      busy('Compiling to ONNX…');
      // Let the busy indicator paint before the compiler takes the main thread.
      await new Promise((r) => setTimeout(r, 30));
      try {
        const { zip, files } = await buildOnnxZip(doc, registry, assetLookup, (uri) => libraries.get(uri));
        const name = fileNameFor(doc, fileName).replace(/\.json$/i, '') + '-onnx.zip';
        downloadBlob(name, new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
        ui.getState().notify({ kind: 'success', title: `Exported ${name}`, detail: files.join(', ') });
      } catch (e) {
        if (isModalflowError(e)) ui.getState().set({ report: { title: 'The graph does not compile yet', problems: e.problems } });
        else ui.getState().notify({ kind: 'error', title: 'Export failed', detail: (e as Error).message });
      } finally {
        busy(null);
      }
    },
  };
}

export function useActions(): Actions {
  const editor = useEditorApi();
  const ui = useUiApi();
  const registry = useRegistry();
  const flow = useReactFlow();
  const runner = useRunner();
  return useMemo(() => createActions({ editor, ui, flow, registry, runner }), [editor, ui, flow, registry, runner]);
}
