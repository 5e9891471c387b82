import { useCallback, useMemo, useRef, type RefObject } from 'react';

/**
 * While nodes are dragged, the canvas captures the pointer and marks itself `is-dragging` (CSS
 * turns off pointer events elsewhere): on a big graph, hit-testing every element per pointer move
 * costs more than the drag itself.
 */
export function useDragCapture(ref: RefObject<HTMLDivElement | null>, onStop: () => void) {
  const pointerId = useRef<number | null>(null);

  const onPointerDownCapture = useCallback((e: { pointerId: number }) => {
    pointerId.current = e.pointerId;
  }, []);

  const start = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    el.classList.add('is-dragging');
    const id = pointerId.current;
    if (id === null || el.hasPointerCapture?.(id)) return;
    try {
      el.setPointerCapture(id);
    } catch {
      // The pointer can be released between events; the drag still works without capture.
    }
  }, [ref]);

  const stop = useCallback(() => {
    ref.current?.classList.remove('is-dragging');
    onStop();
  }, [ref, onStop]);

  return useMemo(
    () => ({ onPointerDownCapture, onNodeDragStart: start, onNodeDragStop: stop, onSelectionDragStart: start, onSelectionDragStop: stop }),
    [onPointerDownCapture, start, stop],
  );
}
