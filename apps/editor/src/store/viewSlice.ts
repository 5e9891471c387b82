import type { StoreApi } from 'zustand/vanilla';
import type { DragState, GetState, SetState, Size, ViewSlice } from './types.ts';

export function createViewSlice(set: SetState, get: GetState, drag: StoreApi<DragState>): ViewSlice {
  return {
    measured: new Map(),

    dragTo(positions) {
      drag.setState((s) => ({ positions: { ...s.positions, ...positions } }));
    },

    endDrag() {
      const { positions } = drag.getState();
      if (!positions) return;
      get().moveNodes(positions);
      drag.setState({ positions: null });
    },

    cancelDrag() {
      if (drag.getState().positions) drag.setState({ positions: null });
    },

    isDragging: () => drag.getState().positions !== null,

    setMeasured(sizes) {
      const current = get().measured;
      let next: Map<string, Size> | null = null;
      for (const [id, size] of Object.entries(sizes)) {
        const old = current.get(id);
        if (old && old.width === size.width && old.height === size.height) continue;
        next ??= new Map(current);
        next.set(id, size);
      }
      if (next) set({ measured: next });
    },
  };
}
