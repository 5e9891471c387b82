import { memo } from 'react';
import type { GraphDoc, NodeRegistry } from '@modalflow/core';
import { categoryColor } from '../canvas/colors.ts';

const W = 180;
const H = 70;

/** A small picture of a graph drawn from its nodes' saved positions: boxes by category, wires between them. */
export const Thumbnail = memo(function Thumbnail({ doc, registry }: { doc: GraphDoc; registry: NodeRegistry }) {
  const pos = new Map(doc.nodes.map((n) => [n.id, { x: n.ui?.x ?? 0, y: n.ui?.y ?? 0 }]));
  const xs = [...pos.values()].map((p) => p.x);
  const ys = [...pos.values()].map((p) => p.y);
  const pad = 40;
  const minX = Math.min(0, ...xs) - pad;
  const minY = Math.min(0, ...ys) - pad;
  const width = Math.max(...xs, 0) + W + pad - minX;
  const height = Math.max(...ys, 0) + H + pad - minY;
  return (
    <svg className="mf-thumb" viewBox={`${minX} ${minY} ${width} ${height}`} preserveAspectRatio="xMidYMid meet" role="img" aria-label={`${doc.nodes.length} nodes`}>
      {doc.edges.map((e, i) => {
        const a = pos.get(e.from[0]);
        const b = pos.get(e.to[0]);
        if (!a || !b) return null;
        const x1 = a.x + W;
        const y1 = a.y + H / 2;
        const x2 = b.x;
        const y2 = b.y + H / 2;
        const dx = Math.max(40, (x2 - x1) / 2);
        return <path key={i} d={`M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`} className="mf-thumb__wire" />;
      })}
      {doc.nodes.map((n) => {
        const p = pos.get(n.id)!;
        return <rect key={n.id} x={p.x} y={p.y} width={W} height={H} rx={14} fill={categoryColor(registry.get(n.type)?.category)} className="mf-thumb__node" />;
      })}
    </svg>
  );
});
