import { useEffect } from 'react';
import { isModalflowError } from '@modalflow/core';
import { useReactFlow } from '@xyflow/react';
import { lastPointer } from '../canvas/pointer.ts';
import { isEditable, matchShortcut } from '../ui/keymap.ts';
import type { Actions } from './actions.ts';
import { useEditorApi, useUiApi } from './context.tsx';

/** The keymap, plus copy / cut / paste through the system clipboard so they work between tabs. */
export function useGlobalKeys(actions: Actions) {
  const editor = useEditorApi();
  const ui = useUiApi();
  const flow = useReactFlow();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isEditable(e.target)) return;
      const action = matchShortcut(e);
      if (!action) return;
      const u = ui.getState();
      if ((u.galleryOpen || u.report || u.picker) && action !== 'escape') return;
      e.preventDefault();
      actions[action]();
    };

    const selectingText = () => !!window.getSelection()?.toString();
    const onCopy = (e: ClipboardEvent) => {
      if (isEditable(e.target) || selectingText()) return;
      const text = editor.getState().copySelection();
      if (!text || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
    };
    const onCut = (e: ClipboardEvent) => {
      onCopy(e);
      if (e.defaultPrevented) editor.getState().deleteSelection();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isEditable(e.target)) return;
      const text = e.clipboardData?.getData('text/plain');
      if (!text || !text.includes('modalflow.graph')) return;
      e.preventDefault();
      const p = lastPointer();
      try {
        const ids = editor.getState().pasteText(text, p ? flow.screenToFlowPosition(p) : undefined);
        ui.getState().notify({ kind: 'info', title: `Pasted ${ids.length} node${ids.length === 1 ? '' : 's'}` });
      } catch (err) {
        if (!isModalflowError(err)) throw err;
        ui.getState().set({ report: { title: 'Could not paste', problems: err.problems } });
      }
    };

    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [actions, editor, ui, flow]);
}
