import { createContext, useContext, type ReactNode } from 'react';
import type { NodeRegistry } from '@modalflow/core';
import { useStore } from 'zustand';
import type { Runner } from '../run/runner.ts';
import type { Trainer } from '../train/trainer.ts';
import type { EditorStore, HistoryState } from '../store/createEditorStore.ts';
import type { EditorState } from '../store/types.ts';
import type { UiState, UiStore } from '../ui/uiStore.ts';

interface Stores {
  editor: EditorStore;
  ui: UiStore;
  registry: NodeRegistry;
  runner: Runner | null;
  trainer: Trainer | null;
}

const Ctx = createContext<Stores | null>(null);

export function EditorProvider({ editor, ui, runner = null, trainer = null, children }: { editor: EditorStore; ui: UiStore; runner?: Runner | null; trainer?: Trainer | null; children: ReactNode }) {
  return <Ctx.Provider value={{ editor, ui, registry: editor.getState().registry, runner, trainer }}>{children}</Ctx.Provider>;
}

function useStores(): Stores {
  const s = useContext(Ctx);
  if (!s) throw new Error('editor components must be inside <EditorProvider>');
  return s;
}

/** Reads one narrow piece of editor state; the component re-renders only when it changes. */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(useStores().editor, selector);
}

export function useHistory<T>(selector: (s: HistoryState) => T): T {
  return useStore(useStores().editor.temporal, selector);
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(useStores().ui, selector);
}

export const useEditorApi = () => useStores().editor;
export const useUiApi = () => useStores().ui;
/** Node types the canvas can show now: the library, the document's blocks, an open block's boundary. */
export const useRegistry = () => useEditor((s) => s.types);
/** The in-browser runner; null where none was given (component tests). */
export const useRunner = () => useStores().runner;
/** The in-browser trainer; null where none was given (component tests). */
export const useTrainer = () => useStores().trainer;
