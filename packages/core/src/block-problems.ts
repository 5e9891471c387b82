import type { Location, Problem } from './errors.ts';
import type { Inlined, Origin } from './block-inline.ts';

/**
 * Analysis runs on the flat graph, whose `/nodes/<i>` and `/edges/<i>` are not the document's.
 * This points each problem back at what the user wrote: the node or edge in the graph, or the
 * one inside the block definition (with the instance path as the node), and reports an inner
 * port left open because the instance's port is open on the instance itself.
 */
export function relocateProblems(problems: Problem[], inlined: Inlined, file?: string): Problem[] {
  const out: Problem[] = [];
  let indexOf: Map<string, number> | undefined;
  const originOf = (node: string) => {
    indexOf ??= new Map(inlined.doc.nodes.map((n, i) => [n.id, i]));
    const i = indexOf.get(node);
    return i === undefined ? undefined : inlined.nodeOrigins[i];
  };
  const seen = new Set<string>();
  for (const p of problems) {
    const { node, port } = p.at;
    if (p.code === 'MF_UNKNOWN_NODE_TYPE' && node !== undefined && inlined.placeholders.has(node)) continue;
    if (p.code === 'MF_MISSING_INPUT' && node !== undefined && port !== undefined) {
      const outer = inlined.boundary.get(`${node}.${port}`);
      if (outer) {
        const key = `${outer.node}.${outer.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const inst = inlined.instances.get(outer.node)!;
        out.push({ ...p, message: `required input port "${outer.port}" is not connected`, at: place({ node: outer.node, port: outer.port }, inst.origin, '', file) });
        continue;
      }
    }
    const at = relocate(p.at, inlined, file);
    // A problem that names a node but no place (a cycle) is placed where that node is written.
    const origin = at.path === undefined && node !== undefined ? originOf(node) : undefined;
    out.push({ ...p, at: origin ? place(at, origin, '', file) : at });
  }
  return out;
}

function relocate(at: Location, inlined: Inlined, file?: string): Location {
  const { edge, ...rest } = at;
  let loc: Location = rest;
  const m = at.path ? /^\/(nodes|edges)\/(\d+)(.*)$/.exec(at.path) : null;
  if (m) {
    const origin = (m[1] === 'nodes' ? inlined.nodeOrigins : inlined.edgeOrigins)[Number(m[2])];
    if (origin) loc = place(rest, origin, m[3]!, file);
  }
  if (edge !== undefined) {
    const origin = inlined.edgeOrigins[edge];
    if (origin && !m) loc = place(loc, origin, '', file);
    if (origin?.edge !== undefined) loc.edge = origin.edge;
  }
  return loc;
}

function place(at: Location, origin: Origin, rest: string, file?: string): Location {
  const out: Location = { ...at, path: origin.path + rest };
  const where = origin.file ?? file;
  if (where !== undefined) out.file = where;
  else delete out.file;
  if (origin.block !== undefined) out.block = origin.block;
  if (origin.edge !== undefined) out.edge = origin.edge;
  return out;
}
