import type { GraphDoc, GraphEdge } from '@modalflow/core';

/** Whether a path of edges leads from node `from` to node `to` (a node reaches itself). */
export function reaches(doc: GraphDoc, from: string, to: string): boolean {
  const succ = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = succ.get(e.from[0]) ?? [];
    list.push(e.to[0]);
    succ.set(e.from[0], list);
  }
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(succ.get(id) ?? []));
  }
  return false;
}

/** Whether adding `edge` would close a cycle: its target already reaches its source. */
export function makesCycle(doc: GraphDoc, edge: GraphEdge): boolean {
  return edge.from[0] === edge.to[0] || reaches(doc, edge.to[0], edge.from[0]);
}
