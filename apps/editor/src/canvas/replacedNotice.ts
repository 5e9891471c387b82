import type { ConnectResult } from '@modalflow/document-ops';
import type { EditorStore } from '../store/createEditorStore.ts';
import type { UiStore } from '../ui/uiStore.ts';

/**
 * An input takes one wire, so a new one replaces the old: said in a toast with Undo, naming the
 * wire removed and the branch it leaves feeding nothing (marked on the canvas).
 */
export function noticeReplaced(result: ConnectResult, editor: EditorStore, ui: UiStore): void {
  if (!result.ok || !result.replaced) return;
  const { from, to } = result.replaced;
  const orphans = editor.getState().orphans;
  const left = orphans.has(from[0]) ? ` ${[...orphans].filter((id) => editor.getState().nodeIndex.has(id)).join(', ')} now feed${orphans.size === 1 ? 's' : ''} nothing and ${orphans.size === 1 ? 'is' : 'are'} marked.` : '';
  ui.getState().notify({
    kind: 'info',
    title: `Replaced the wire into ${to[0]}.${to[1]}`,
    detail: `Removed the wire from ${from[0]}.${from[1]}: an input takes one wire.${left}`,
    action: { label: 'Undo', run: () => editor.getState().undo() },
    testId: 'toast-replaced',
  });
}
