export type ActionId =
  | 'undo' | 'redo' | 'delete' | 'selectAll' | 'layout' | 'fit' | 'help'
  | 'save' | 'saveAs' | 'open' | 'new' | 'escape' | 'run' | 'makeBlock' | 'closeBlock';

export interface Shortcut {
  keys: string;
  description: string;
  action?: ActionId;
}

/** Shown in the help overlay; copy and paste ride on the browser's own clipboard events. */
export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl/⌘ Z', description: 'Undo', action: 'undo' },
  { keys: 'Ctrl/⌘ Shift Z · Ctrl Y', description: 'Redo', action: 'redo' },
  { keys: 'Delete · Backspace', description: 'Delete the selection', action: 'delete' },
  { keys: 'Ctrl/⌘ C · Ctrl/⌘ V', description: 'Copy and paste nodes (works between tabs)' },
  { keys: 'Ctrl/⌘ A', description: 'Select everything', action: 'selectAll' },
  { keys: 'Shift drag', description: 'Box-select' },
  { keys: 'Ctrl/⌘ click', description: 'Add to the selection' },
  { keys: 'L', description: 'Lay out left to right', action: 'layout' },
  { keys: 'F', description: 'Fit the graph in view', action: 'fit' },
  { keys: 'Double-click canvas', description: 'Search and add a node' },
  { keys: 'Drag a port into space', description: 'Add a node that fits that port' },
  { keys: 'Ctrl/⌘ S · Ctrl/⌘ Shift S', description: 'Save · Save as', action: 'save' },
  { keys: 'Ctrl/⌘ O', description: 'Open a graph file', action: 'open' },
  { keys: 'Ctrl/⌘ Enter', description: 'Run the graph in the browser', action: 'run' },
  { keys: 'Ctrl/⌘ G', description: 'Make a block of the selection', action: 'makeBlock' },
  { keys: 'Double-click a block', description: 'Open it to edit its inside' },
  { keys: 'Backspace with nothing selected · ← Graph', description: 'Leave the open block', action: 'closeBlock' },
  { keys: '?', description: 'This help', action: 'help' },
  { keys: 'Esc', description: 'Close dialogs, clear the selection', action: 'escape' },
];

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The action a key press asks for, if any. */
export function matchShortcut(e: KeyLike): ActionId | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return null;
  if (mod) {
    if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (k === 'y') return 'redo';
    if (k === 'a') return 'selectAll';
    if (k === 's') return e.shiftKey ? 'saveAs' : 'save';
    if (k === 'o') return 'open';
    if (k === 'Enter') return 'run';
    if (k === 'g') return 'makeBlock';
    return null;
  }
  if (k === 'Delete' || k === 'Backspace') return 'delete';
  if (k === 'Escape') return 'escape';
  if (e.key === '?') return 'help';
  if (k === 'l') return 'layout';
  if (k === 'f') return 'fit';
  return null;
}

/** Typing in a field must never trigger canvas shortcuts. */
export function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
