import { emptyGraph, upgradeDocument, type GraphDoc, type NodeRegistry } from '@modalflow/core';
import { temporal, type TemporalState } from 'zundo';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createDocumentSlice } from './documentSlice.ts';
import { createSelectionSlice } from './selectionSlice.ts';
import { createViewSlice } from './viewSlice.ts';
import { NO_ASSETS, createAssetSlice } from './assetSlice.ts';
import { createRunSlice } from './runSlice.ts';
import { createTrainSlice } from './trainSlice.ts';
import { derive } from './derive.ts';
import { stillOrphaned } from '@modalflow/document-ops';
import type { DragState, EditorState, GetState, SetState } from './types.ts';

export interface EditorStoreOptions {
  registry: NodeRegistry;
  doc?: GraphDoc;
  /** Undo steps kept. */
  historyLimit?: number;
}

/**
 * Only the document is history, with the name it saves under, which opened document it is and
 * the branches a replaced wire left marked (so redo of a replacement brings its marks back):
 * selection, drag and measurements are view state.
 */
export type HistoryState = TemporalState<Pick<EditorState, 'doc' | 'fileName' | 'origin' | 'orphans'>>;

export type EditorStore = StoreApi<EditorState> & { temporal: StoreApi<HistoryState>; dragging: StoreApi<DragState> };

function prune(ids: ReadonlySet<string>, exists: (id: string) => boolean): ReadonlySet<string> {
  for (const id of ids) if (!exists(id)) return new Set([...ids].filter(exists));
  return ids;
}

/** One store per editor (tests make many); the document is the single source of truth. */
export function createEditorStore(options: EditorStoreOptions): EditorStore {
  const { registry } = options;
  const initial = upgradeDocument(options.doc ?? emptyGraph(), registry);
  const dragging = createStore<DragState>()(() => ({ positions: null }));
  const store = createStore<EditorState>()(
    temporal(
      (set, get, api) => ({
        ...createDocumentSlice(set as SetState, get as GetState, registry, initial),
        ...createSelectionSlice(set as SetState, get as GetState),
        ...createViewSlice(set as SetState, get as GetState, dragging),
        ...createAssetSlice(set as SetState, get as GetState),
        ...createRunSlice(set as SetState, get as GetState),
        ...createTrainSlice(set as SetState, get as GetState),
        ...derive(initial, registry, null, NO_ASSETS),
        undo: () => (api as unknown as EditorStore).temporal.getState().undo(),
        redo: () => (api as unknown as EditorStore).temporal.getState().redo(),
      }),
      {
        partialize: (s) => ({ doc: s.doc, fileName: s.fileName, origin: s.origin, orphans: s.orphans }),
        equality: (a, b) => a.doc === b.doc,
        limit: options.historyLimit ?? 500,
      },
    ),
  ) as EditorStore;
  store.dragging = dragging;

  // Undo and redo replace `doc` directly, so derived data follows the document, not the actions.
  store.subscribe((s) => {
    if (s.doc === s.analyzedDoc && s.assets === s.analyzedAssets && s.scope === s.analyzedScope && s.libraries === s.analyzedLibraries) return;
    // Undo can remove the block that is open: the view then returns to the graph.
    const scope = s.scope && s.doc.blocks?.[s.scope] ? s.scope : null;
    const derived = derive(s.doc, registry, s, s.assets, undefined, scope, s.libraries);
    store.setState({
      ...derived,
      ...(scope !== s.scope ? { scope } : {}),
      selectedNodes: prune(s.selectedNodes, (id) => derived.nodeIndex.has(id)),
      selectedEdges: prune(s.selectedEdges, (id) => derived.edgeIndex.has(id)),
      ...(s.orphans.size ? { orphans: stillOrphaned(derived.view, s.orphans) } : {}),
    });
  });
  return store;
}

/**
 * Names the file the document saves to, for every undo step of this opened document (and none
 * of another one's), so undo never shows one file's name over another's graph.
 */
export function setSaveName(store: EditorStore, fileName: string): void {
  const { origin } = store.getState();
  store.setState({ fileName });
  const rename = <T extends { origin: number; fileName: string | null }>(states: T[]) => states.map((h) => (h.origin === origin ? { ...h, fileName } : h));
  const t = store.temporal.getState();
  store.temporal.setState({ pastStates: rename(t.pastStates as never) as never, futureStates: rename(t.futureStates as never) as never });
}
