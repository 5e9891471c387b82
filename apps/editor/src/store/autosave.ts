import { parseGraph, serializeGraph, type GraphDoc } from '@modalflow/core';
import type { StoreApi } from 'zustand';
import type { EditorState } from './types.ts';

export const AUTOSAVE_KEY = 'modalflow.editor.autosave';

export interface Autosave {
  /** Writes a pending change now (page hide, tests). */
  flush(): void;
  detach(): void;
}

/** Writes the document to storage shortly after every change, so a reload or a crash loses nothing. */
export function attachAutosave(
  store: StoreApi<EditorState>,
  storage: Pick<Storage, 'setItem'>,
  options: { key?: string; delayMs?: number; onSaved?: (at: number) => void; onError?: (e: unknown) => void } = {},
): Autosave {
  const key = options.key ?? AUTOSAVE_KEY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: GraphDoc | null = null;
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const doc = pending;
    pending = null;
    try {
      storage.setItem(key, serializeGraph(doc));
      options.onSaved?.(Date.now());
    } catch (e) {
      options.onError?.(e);
    }
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.doc === prev.doc) return;
    pending = s.doc;
    if (timer) clearTimeout(timer);
    timer = setTimeout(write, options.delayMs ?? 250);
  });
  return {
    flush: write,
    detach() {
      write();
      unsubscribe();
    },
  };
}

/** The autosaved document, or null when there is none or it no longer loads. */
export function readAutosave(storage: Pick<Storage, 'getItem'>, key = AUTOSAVE_KEY): GraphDoc | null {
  const text = storage.getItem(key);
  if (!text) return null;
  try {
    return parseGraph(text, { file: 'autosave' });
  } catch {
    return null;
  }
}
