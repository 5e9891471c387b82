import type { Problem } from './errors.ts';
import type { GraphDoc, GraphEdge } from './document.ts';
import type { NodeRegistry } from './registry.ts';

/**
 * What re-analysing after an edit may keep. A node's analysis depends on its own type and params
 * and on what flows into it, so after an edit only the nodes the edit touched and those
 * downstream of them are analysed again; every other node keeps its previous result object.
 */

interface NodeRecord {
  /** Problems found reading the node's params and ports, then inferring its outputs. */
  early: Problem[];
  late: Problem[];
}

const records = new WeakMap<object, NodeRecord>();

export function recordProblems(info: object, early: Problem[], late: Problem[]): void {
  records.set(info, { early, late });
}

export function recordedProblems(info: object): NodeRecord | undefined {
  return records.get(info);
}

/** What a node receives, by port; with the edges' positions when `withIndex`, as problems name them. */
function incomingKeys(edges: readonly GraphEdge[], withIndex: boolean): Map<string, string> {
  const keys = new Map<string, string[]>();
  edges.forEach((e, i) => {
    const k = `${e.to[1]}<${e.from[0]}.${e.from[1]}${withIndex ? `@${i}` : ''}`;
    const list = keys.get(e.to[0]);
    if (list) list.push(k);
    else keys.set(e.to[0], [k]);
  });
  return new Map([...keys].map(([id, list]) => [id, list.sort().join('|')]));
}

/**
 * Ids of the nodes of `doc` whose previous analysis (of `before`, both flat graphs) still holds:
 * same place in the document, same type, version and params object, the same wires in, no
 * recorded problem naming an edge that moved, and nothing upstream re-analysed.
 */
export function unchangedNodes(
  before: GraphDoc,
  previous: ReadonlyMap<string, { index: number }>,
  doc: GraphDoc,
  registry: NodeRegistry,
): Set<string> {
  const old = new Map(before.nodes.map((n, i) => [n.id, { n, i }]));
  const inBefore = incomingKeys(before.edges, false);
  const inNow = incomingKeys(doc.edges, false);
  const inBeforeAt = incomingKeys(before.edges, true);
  const inNowAt = incomingKeys(doc.edges, true);
  const dirty: string[] = [];
  const seen = new Set<string>();
  doc.nodes.forEach((n, i) => {
    const was = old.get(n.id);
    const info = previous.get(n.id);
    const record = info && records.get(info);
    const same =
      was && info && record && was.i === i && info.index === i &&
      was.n.type === n.type && was.n.typeVersion === n.typeVersion && was.n.params === n.params &&
      inBefore.get(n.id) === inNow.get(n.id) &&
      // Problems name edges by position: one that moved leaves them pointing at the wrong edge.
      (record.early.length + record.late.length === 0 || inBeforeAt.get(n.id) === inNowAt.get(n.id)) &&
      // A decoding loop's checks look two wires upstream, past what this walk follows.
      !registry.get(n.type)?.generate;
    if (!same && !seen.has(n.id)) {
      seen.add(n.id);
      dirty.push(n.id);
    }
  });
  const succ = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = succ.get(e.from[0]);
    if (list) list.push(e.to[0]);
    else succ.set(e.from[0], [e.to[0]]);
  }
  for (let k = 0; k < dirty.length; k++) {
    for (const t of succ.get(dirty[k]!) ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        dirty.push(t);
      }
    }
  }
  const keep = new Set<string>();
  for (const n of doc.nodes) if (!seen.has(n.id)) keep.add(n.id);
  return keep;
}
