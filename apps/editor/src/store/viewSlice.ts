import type { GetState, SetState, Size, ViewSlice } from './types.ts';

export function createViewSlice(set: SetState, get: GetState): ViewSlice {
  return {
    drag: null,
    measured: new Map(),

    dragTo(positions) {
      set((s) => ({ drag: { ...s.drag, ...positions } }));
    },

    endDrag() {
      const { drag, moveNodes } = get();
      if (drag) moveNodes(drag);
    },

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
