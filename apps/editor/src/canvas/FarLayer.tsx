import { useEffect, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { GraphEdge } from '@modalflow/core';
import { useEditorApi, useRegistry } from '../app/context.tsx';
import { categoryColor, portKindColor } from './colors.ts';
import type { GraphLayout } from './liveNodes.ts';

/** Where a glyph's port rows start under its header (node.css `.is-far`), and how tall each is. */
const HEADER = 47;
const PORTS_TOP = HEADER + 5;
const PORT_ROW = 26;
/** Titles are drawn only when their 20px flow-space font is at least this many pixels on screen. */
const MIN_TITLE_PX = 6;

function portY(names: readonly { name: string }[] | undefined, port: string, height: number): number {
  const i = names?.findIndex((p) => p.name === port) ?? -1;
  return i < 0 ? height / 2 : PORTS_TOP + (i + 0.5) * PORT_ROW;
}

/**
 * A big graph zoomed out, drawn on one canvas: every node as its glyph's coloured box and every
 * wire as one curve, so a frame costs a few path fills instead of thousands of DOM elements to
 * style, lay out, hit-test and composite. React Flow then holds only the nodes a pointer is on or
 * that are selected or moving, which it draws on top as usual, so they can still be grabbed.
 */
export function FarLayer({ layout }: { layout: GraphLayout }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const flowStore = useStoreApi();
  const editor = useEditorApi();
  const registry = useRegistry();

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let frame = 0;
    // While nodes move, everything else is painted once into `still` and copied each frame.
    const still = document.createElement('canvas');
    const stillCtx = still.getContext('2d')!;
    let stillKey: unknown[] | null = null;
    let wireIndex: { of: readonly GraphEdge[]; at: Map<string, number[]> } | null = null;
    /** The positions in `edges` of the wires at each node. */
    const touching = (edges: readonly GraphEdge[]) => {
      if (wireIndex?.of !== edges) {
        const at = new Map<string, number[]>();
        edges.forEach((e, n) => {
          for (const id of [e.from[0], e.to[0]]) {
            const list = at.get(id);
            if (list) list.push(n);
            else at.set(id, [n]);
          }
        });
        wireIndex = { of: edges, at };
      }
      return wireIndex.at;
    };

    /** Paints the nodes `moving` says (and the wires touching them) when `part` is 'moving', else the others. */
    const paint = (ctx: CanvasRenderingContext2D, moving: Readonly<Record<string, unknown>> | null, part: 'all' | 'still' | 'moving') => {
      const { transform, width, height } = flowStore.getState();
      const [tx, ty, k] = transform;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
      const css = getComputedStyle(canvas);
      const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
      const s = editor.getState();
      const drag = editor.dragging.getState().positions;
      const wanted = (id: string) => part === 'all' || (part === 'moving') === !!moving?.[id];
      const b = layout.boxes;
      const x = (i: number) => drag?.[layout.ids[i]!]?.x ?? b[i * 4]!;
      const y = (i: number) => drag?.[layout.ids[i]!]?.y ?? b[i * 4 + 1]!;
      // The pane in flow coordinates: what lies wholly outside it is not drawn.
      const left = -tx / k;
      const top = -ty / k;
      const right = left + width / k;
      const bottom = top + height / k;

      const wires = new Map<string, Path2D>();
      // A drag frame paints only the moving nodes and their wires, found without scanning the graph.
      const only = part === 'moving' && moving ? Object.keys(moving) : null;
      const edgeList = only ? [...new Set(only.flatMap((id) => touching(s.view.edges).get(id) ?? []))] : null;
      for (const n of edgeList ?? s.view.edges.keys()) {
        const e = s.view.edges[n]!;
        const from = layout.index.get(e.from[0]);
        const to = layout.index.get(e.to[0]);
        if (from === undefined || to === undefined) continue;
        if (part !== 'all' && (part === 'moving') !== (!!moving?.[e.from[0]] || !!moving?.[e.to[0]])) continue;
        const sx = x(from) + b[from * 4 + 2]!;
        const sy = y(from) + portY(s.nodeViews.get(e.from[0])?.outputs, e.from[1], b[from * 4 + 3]!);
        const ex = x(to);
        const ey = y(to) + portY(s.nodeViews.get(e.to[0])?.inputs, e.to[1], b[to * 4 + 3]!);
        if (Math.max(sx, ex) < left || Math.min(sx, ex) > right || Math.max(sy, ey) < top || Math.min(sy, ey) > bottom) continue;
        const view = s.edgeViews.get(s.edgeIds[n]!);
        const stroke = view?.problem ? color('--mf-danger', '#ef4444') : portKindColor(view?.kind ?? 'tensor');
        let path = wires.get(stroke);
        if (!path) wires.set(stroke, (path = new Path2D()));
        const dx = Math.max(40, Math.abs(ex - sx) / 2);
        path.moveTo(sx, sy);
        path.bezierCurveTo(sx + dx, sy, ex - dx, ey, ex, ey);
      }
      ctx.lineWidth = 1.6 / k;
      for (const [stroke, path] of wires) {
        ctx.strokeStyle = stroke;
        ctx.stroke(path);
      }

      const bodies = new Path2D();
      const headers = new Map<string, Path2D>();
      const errors = new Path2D();
      const selected = new Path2D();
      const titled: number[] = [];
      const showTitles = 20 * k >= MIN_TITLE_PX;
      const nodeList = only ? only.flatMap((id) => layout.index.get(id) ?? []) : layout.ids.keys();
      for (const i of nodeList) {
        const nx = x(i);
        const ny = y(i);
        const w = b[i * 4 + 2]!;
        const h = b[i * 4 + 3]!;
        if (nx > right || ny > bottom || nx + w < left || ny + h < top) continue;
        const id = layout.ids[i]!;
        if (!wanted(id)) continue;
        const node = s.nodeIndex.get(id);
        const cat = categoryColor(node ? registry.get(node.type)?.category : undefined);
        bodies.rect(nx, ny, w, h);
        let header = headers.get(cat);
        if (!header) headers.set(cat, (header = new Path2D()));
        header.rect(nx, ny, w, Math.min(HEADER, h));
        if (s.nodeViews.get(id)?.ok === false) errors.rect(nx, ny, w, h);
        if (s.selectedNodes.has(id)) selected.rect(nx, ny, w, h);
        if (showTitles) titled.push(i);
      }
      ctx.fillStyle = color('--mf-node-bg', '#ffffff');
      ctx.fill(bodies);
      ctx.globalAlpha = 0.45;
      for (const [fill, path] of headers) {
        ctx.fillStyle = fill;
        ctx.fill(path);
      }
      ctx.globalAlpha = 1;
      ctx.lineWidth = 2;
      ctx.strokeStyle = color('--mf-node-border', '#dde1e8');
      ctx.stroke(bodies);
      ctx.strokeStyle = color('--mf-danger', '#ef4444');
      ctx.stroke(errors);
      ctx.lineWidth = Math.max(2, 3 / k);
      ctx.strokeStyle = color('--mf-accent', '#6366f1');
      ctx.stroke(selected);
      if (titled.length) {
        ctx.fillStyle = color('--mf-text', '#1a1d24');
        ctx.font = '650 20px system-ui, sans-serif';
        ctx.textBaseline = 'middle';
        for (const i of titled) {
          const node = s.nodeIndex.get(layout.ids[i]!);
          const title = node?.label ?? (node ? registry.get(node.type)?.title : undefined) ?? node?.type ?? '';
          ctx.fillText(title, x(i) + 12, y(i) + HEADER / 2, b[i * 4 + 2]! - 24);
        }
      }
    };

    const draw = () => {
      frame = 0;
      const { transform, width, height } = flowStore.getState();
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(width * dpr);
      const h = Math.round(height * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const moving = editor.dragging.getState().positions;
      if (!moving) {
        stillKey = null;
        paint(ctx, null, 'all');
        return;
      }
      const s = editor.getState();
      const key = [transform, w, h, s.view, s.nodeViews, s.edgeViews, s.selectedNodes, Object.keys(moving).sort().join('\n')];
      if (!stillKey || key.some((v, i) => v !== stillKey![i])) {
        still.width = w;
        still.height = h;
        stillCtx.setTransform(1, 0, 0, 1, 0, 0);
        stillCtx.clearRect(0, 0, w, h);
        paint(stillCtx, moving, 'still');
        stillKey = key;
      }
      ctx.drawImage(still, 0, 0);
      paint(ctx, moving, 'moving');
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    const unsubscribe = [
      flowStore.subscribe((now, before) => {
        if (now.transform !== before.transform || now.width !== before.width || now.height !== before.height) schedule();
      }),
      editor.subscribe(schedule),
      editor.dragging.subscribe(schedule),
    ];
    schedule();
    return () => {
      cancelAnimationFrame(frame);
      for (const u of unsubscribe) u();
    };
  }, [flowStore, editor, registry, layout]);

  return <canvas ref={ref} className="react-flow__container mf-far-layer" data-testid="far-layer" aria-hidden />;
}
