import { useEffect, useRef, type PointerEvent, type WheelEvent } from 'react';
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useEditorApi, useRegistry } from '../app/context.tsx';
import { categoryColor } from './colors.ts';
import { NODE_WIDTH } from './nodeSize.ts';
import { MAX_ZOOM, MIN_ZOOM } from './viewport.ts';

/** Every box is drawn this tall: at minimap scale a card's real height is a pixel or two either way. */
const BOX_HEIGHT = 120;

interface MapFrame {
  scale: number;
  ox: number;
  oy: number;
}

/**
 * The overview of a big graph, drawn on one canvas from the document: React Flow holds only the
 * nodes near the view then, so its own minimap would show only those, and drawing thousands of
 * SVG rectangles on every drag frame is what made big graphs slow. Pointer and wheel pan and zoom
 * the canvas' view as React Flow's minimap does.
 */
export function OverviewMap({ width, height }: { width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<MapFrame>({ scale: 1, ox: 0, oy: 0 });
  const flowStore = useStoreApi();
  const flow = useReactFlow();
  const editor = useEditorApi();
  const registry = useRegistry();

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let raf = 0;
    const draw = () => {
      raf = 0;
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== width * dpr) canvas.width = width * dpr;
      if (canvas.height !== height * dpr) canvas.height = height * dpr;
      const { transform, width: paneW, height: paneH } = flowStore.getState();
      const [tx, ty, k] = transform;
      const s = editor.getState();
      const view = { x: -tx / k, y: -ty / k, w: paneW / k, h: paneH / k };
      let minX = view.x;
      let minY = view.y;
      let maxX = view.x + view.w;
      let maxY = view.y + view.h;
      for (const n of s.view.nodes) {
        const x = n.ui?.x ?? 0;
        const y = n.ui?.y ?? 0;
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x + NODE_WIDTH);
        maxY = Math.max(maxY, y + BOX_HEIGHT);
      }
      const scale = Math.min(width / (maxX - minX || 1), height / (maxY - minY || 1));
      const ox = (width - (maxX - minX) * scale) / 2 - minX * scale;
      const oy = (height - (maxY - minY) * scale) / 2 - minY * scale;
      frameRef.current = { scale, ox, oy };
      const css = getComputedStyle(canvas);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = css.getPropertyValue('--mf-canvas').trim() || '#f1f2f6';
      ctx.fillRect(0, 0, width, height);
      const byColor = new Map<string, Path2D>();
      for (const n of s.view.nodes) {
        const at = { x: n.ui?.x ?? 0, y: n.ui?.y ?? 0 };
        const fill = categoryColor(registry.get(n.type)?.category);
        let path = byColor.get(fill);
        if (!path) byColor.set(fill, (path = new Path2D()));
        path.rect(ox + at.x * scale, oy + at.y * scale, Math.max(1, NODE_WIDTH * scale), Math.max(1, BOX_HEIGHT * scale));
      }
      for (const [fill, path] of byColor) {
        ctx.fillStyle = fill;
        ctx.fill(path);
      }
      // Outside the view is shaded, as React Flow's minimap masks it.
      ctx.fillStyle = css.getPropertyValue('--mf-minimap-mask').trim() || 'rgba(240, 240, 240, 0.6)';
      ctx.beginPath();
      ctx.rect(0, 0, width, height);
      ctx.rect(ox + view.x * scale, oy + view.y * scale, view.w * scale, view.h * scale);
      ctx.fill('evenodd');
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(draw);
    };
    const unsubscribe = [
      flowStore.subscribe((now, before) => {
        if (now.transform !== before.transform || now.width !== before.width || now.height !== before.height) schedule();
      }),
      // A moving node shows where it lands when dropped: redrawing thousands of boxes per drag frame would cost the canvas its frames.
      editor.subscribe((now, before) => now.view !== before.view && schedule()),
    ];
    schedule();
    return () => {
      cancelAnimationFrame(raf);
      for (const u of unsubscribe) u();
    };
  }, [flowStore, editor, registry, width, height]);

  /** Centres the canvas' view on the flow point under the pointer. */
  const panTo = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const { scale, ox, oy } = frameRef.current;
    const fx = (e.clientX - r.left - ox) / scale;
    const fy = (e.clientY - r.top - oy) / scale;
    const { transform, width: paneW, height: paneH } = flowStore.getState();
    const k = transform[2];
    void flow.setViewport({ x: paneW / 2 - fx * k, y: paneH / 2 - fy * k, zoom: k });
  };

  const onWheel = (e: WheelEvent<HTMLCanvasElement>) => {
    const { transform, width: paneW, height: paneH } = flowStore.getState();
    const [tx, ty, k] = transform;
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k * Math.pow(2, -e.deltaY / 500)));
    // Zooms about the centre of the canvas' view, as the minimap has no pointer over the canvas.
    const cx = (paneW / 2 - tx) / k;
    const cy = (paneH / 2 - ty) / k;
    void flow.setViewport({ x: paneW / 2 - cx * zoom, y: paneH / 2 - cy * zoom, zoom });
  };

  return (
    <canvas
      ref={ref}
      className="mf-overview-map"
      data-testid="overview-map"
      style={{ width, height }}
      role="img"
      aria-label="Overview of the graph: drag to pan, scroll to zoom"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        panTo(e);
      }}
      onPointerMove={(e) => e.buttons === 1 && panTo(e)}
      onWheel={onWheel}
    />
  );
}
