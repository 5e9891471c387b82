import type { GetState, SelectionSlice, SetState } from './types.ts';

export function createSelectionSlice(set: SetState, get: GetState): SelectionSlice {
  return {
    selectedNodes: new Set(),
    selectedEdges: new Set(),

    setSelected(kind, id, selected) {
      const key = kind === 'node' ? 'selectedNodes' : 'selectedEdges';
      const current = get()[key];
      if (current.has(id) === selected) return;
      const next = new Set(current);
      if (selected) next.add(id);
      else next.delete(id);
      set({ [key]: next });
    },

    select(nodes, edges = []) {
      set({ selectedNodes: new Set(nodes), selectedEdges: new Set(edges) });
    },

    selectAll() {
      const s = get();
      set({ selectedNodes: new Set(s.nodeIndex.keys()), selectedEdges: new Set(s.edgeIds) });
    },

    clearSelection() {
      const s = get();
      if (!s.selectedNodes.size && !s.selectedEdges.size) return;
      set({ selectedNodes: new Set(), selectedEdges: new Set() });
    },
  };
}
