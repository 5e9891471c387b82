import type { GraphDoc } from '@modalflow/core';

export const NO_ORPHANS: ReadonlySet<string> = new Set();

function edgesOf(doc: GraphDoc) {
  const consumers = new Map<string, Set<string>>();
  const producers = new Map<string, Set<string>>();
  for (const e of doc.edges) {
    if (!consumers.has(e.from[0])) consumers.set(e.from[0], new Set());
    consumers.get(e.from[0])!.add(e.to[0]);
    if (!producers.has(e.to[0])) producers.set(e.to[0], new Set());
    producers.get(e.to[0])!.add(e.from[0]);
  }
  return { consumers, producers };
}

/**
 * The nodes that feed nothing any more once a wire from `roots` was taken away: each root that
 * has no wire out, and, going upstream, every node whose wires all lead into that branch.
 */
export function orphanedBranch(doc: GraphDoc, roots: Iterable<string>): Set<string> {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const { consumers, producers } = edgesOf(doc);
  const out = new Set<string>();
  const stack = [...roots].filter((id) => ids.has(id) && !(consumers.get(id)?.size));
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const p of producers.get(id) ?? []) {
      if (out.has(p)) continue;
      if ([...(consumers.get(p) ?? [])].every((c) => out.has(c) || stack.includes(c))) stack.push(p);
    }
  }
  // Checked again as a whole: a producer pushed because a sibling was pending must still feed only the branch.
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of out) {
      if ([...(consumers.get(id) ?? [])].some((c) => !out.has(c))) {
        out.delete(id);
        changed = true;
      }
    }
  }
  return out;
}

/** The marked nodes that still feed nothing outside the marked branch; the same set when none changed. */
export function stillOrphaned(doc: GraphDoc, marked: ReadonlySet<string>): ReadonlySet<string> {
  if (!marked.size) return marked;
  const ids = new Set(doc.nodes.map((n) => n.id));
  const { consumers } = edgesOf(doc);
  const out = new Set([...marked].filter((id) => ids.has(id)));
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of out) {
      if ([...(consumers.get(id) ?? [])].some((c) => !out.has(c))) {
        out.delete(id);
        changed = true;
      }
    }
  }
  if (out.size === marked.size) return marked;
  return out.size ? out : NO_ORPHANS;
}
