import type { Edge, Node } from '@xyflow/react';
import type { GraphDoc, GraphEdge, GraphNode } from '@modalflow/core';
import type { Size, XY } from '../store/types.ts';

export interface FlowNodeData extends Record<string, unknown> {
  nodeType: string;
}
export type FlowNode = Node<FlowNodeData, 'mf'>;
export type FlowEdge = Edge<Record<string, unknown>, 'shape'>;

const dataByType = new Map<string, FlowNodeData>();
/** Shared per type, so a node's `data` never changes identity and never re-renders it. */
function dataFor(type: string): FlowNodeData {
  let d = dataByType.get(type);
  if (!d) dataByType.set(type, (d = { nodeType: type }));
  return d;
}

interface NodeEntry {
  src: GraphNode;
  pos: XY | undefined;
  selected: boolean;
  size: Size | undefined;
  flow: FlowNode;
}

/**
 * Turns the document into React Flow nodes, reusing every object whose inputs did not change:
 * React Flow only re-renders a node whose object is new, so a drag touches one node only.
 */
export function createNodeDeriver() {
  let cache = new Map<string, NodeEntry>();
  let last: { nodes: readonly GraphNode[]; drag: Readonly<Record<string, XY>> | null; selected: unknown; measured: unknown; out: FlowNode[] } | null = null;
  let positions: { of: readonly GraphNode[]; at: Map<string, number> } | null = null;

  /** A drag frame moves the same few nodes as the last one: only their entries are renewed. */
  const moved = (doc: GraphDoc, drag: Readonly<Record<string, XY>>): FlowNode[] | null => {
    const prior = last!.drag!;
    const ids = Object.keys(drag);
    if (ids.length !== Object.keys(prior).length || ids.some((id) => !(id in prior))) return null;
    if (positions?.of !== doc.nodes) positions = { of: doc.nodes, at: new Map(doc.nodes.map((n, i) => [n.id, i])) };
    const out = last!.out.slice();
    for (const id of ids) {
      const i = positions.at.get(id);
      const old = cache.get(id);
      if (i === undefined || !old || drag[id] === prior[id]) continue;
      const flow: FlowNode = { ...old.flow, position: drag[id]! };
      cache.set(id, { ...old, pos: drag[id], flow });
      out[i] = flow;
    }
    return out;
  };

  return (doc: GraphDoc, drag: Readonly<Record<string, XY>> | null, selected: ReadonlySet<string>, measured: ReadonlyMap<string, Size>): FlowNode[] => {
    if (last && last.nodes === doc.nodes && last.drag === drag && last.selected === selected && last.measured === measured) return last.out;
    if (last && drag && last.drag && last.nodes === doc.nodes && last.selected === selected && last.measured === measured) {
      const out = moved(doc, drag);
      if (out) {
        last = { ...last, drag, out };
        return out;
      }
    }
    const next = new Map<string, NodeEntry>();
    const out = doc.nodes.map((src) => {
      const pos = drag?.[src.id];
      const sel = selected.has(src.id);
      const size = measured.get(src.id);
      const old = cache.get(src.id);
      if (old && old.src === src && old.pos === pos && old.selected === sel && old.size === size) {
        next.set(src.id, old);
        return old.flow;
      }
      const flow: FlowNode = {
        id: src.id,
        type: 'mf',
        position: pos ?? { x: src.ui?.x ?? 0, y: src.ui?.y ?? 0 },
        data: dataFor(src.type),
        selected: sel,
        ...(size ? { measured: size } : {}),
      };
      next.set(src.id, { src, pos, selected: sel, size, flow });
      return flow;
    });
    cache = next;
    last = { nodes: doc.nodes, drag, selected, measured, out };
    return out;
  };
}

export function createEdgeDeriver() {
  let cache = new Map<string, { src: GraphEdge; selected: boolean; flow: FlowEdge }>();
  let last: { edges: readonly GraphEdge[]; selected: unknown; out: FlowEdge[] } | null = null;

  return (edges: readonly GraphEdge[], ids: readonly string[], selected: ReadonlySet<string>): FlowEdge[] => {
    if (last && last.edges === edges && last.selected === selected) return last.out;
    const next = new Map<string, { src: GraphEdge; selected: boolean; flow: FlowEdge }>();
    const out = edges.map((src, i) => {
      const id = ids[i]!;
      const sel = selected.has(id);
      const old = cache.get(id);
      if (old && old.src === src && old.selected === sel) {
        next.set(id, old);
        return old.flow;
      }
      const flow: FlowEdge = {
        id,
        type: 'shape',
        source: src.from[0],
        sourceHandle: src.from[1],
        target: src.to[0],
        targetHandle: src.to[1],
        selected: sel,
      };
      next.set(id, { src, selected: sel, flow });
      return flow;
    });
    cache = next;
    last = { edges, selected, out };
    return out;
  };
}
