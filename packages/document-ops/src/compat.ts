import { unifyShape, type AnyNodeDef, type DType, type Dim, type NodeRegistry, type PortSpec } from '@modalflow/core';

/** What an output port gives: its dtype(s) and its shape, or only its template when not inferred yet. */
export interface PortValue {
  dtypes: readonly DType[];
  shape: readonly Dim[] | null;
}

export interface PortMatch {
  def: AnyNodeDef;
  port: string;
  /** The port is optional (a mask, an extra input): such matches are listed after the others. */
  optional?: boolean;
}

/**
 * Whether an input port could take this value: a shared dtype and a shape that unifies with the
 * template. Params are left out on purpose, so a template name bound to a param acts as a free
 * symbol: the user can still set that param after adding the node.
 */
export function inputAccepts(spec: PortSpec, value: PortValue): boolean {
  if (!value.dtypes.some((d) => spec.dtypes.includes(d))) return false;
  if (spec.shape === null || value.shape === null) return true;
  return unifyShape(spec.shape, [...value.shape], {}, {}).ok;
}

/** Required ports first: connecting a wire should fill what the node needs before extras. */
function portsByNeed(ports: Record<string, PortSpec>): [string, PortSpec][] {
  const entries = Object.entries(ports);
  return [...entries.filter(([, s]) => !s.optional), ...entries.filter(([, s]) => s.optional)];
}

/** Which node types a search leaves out (an editor's own drawing-only types). */
export interface TypeFilter {
  exclude?: (type: string) => boolean;
}

/** Node types with an input port that can take `value`, each with the port it would use. */
export function typesAccepting(registry: NodeRegistry, value: PortValue, filter: TypeFilter = {}): PortMatch[] {
  const out: PortMatch[] = [];
  for (const def of registry.list()) {
    if (filter.exclude?.(def.type)) continue;
    const hit = portsByNeed(def.inputs).find(([, spec]) => inputAccepts(spec, value));
    if (hit) out.push({ def, port: hit[0], optional: hit[1].optional });
  }
  return byNeed(out);
}

function byNeed(matches: PortMatch[]): PortMatch[] {
  return [...matches.filter((m) => !m.optional), ...matches.filter((m) => m.optional)];
}

/** Node types with an output port that could feed the input port `spec`. */
export function typesFeeding(registry: NodeRegistry, spec: PortSpec, filter: TypeFilter = {}): PortMatch[] {
  const out: PortMatch[] = [];
  for (const def of registry.list()) {
    if (filter.exclude?.(def.type)) continue;
    const hit = Object.entries(def.outputs).find(([, o]) => inputAccepts(spec, { dtypes: o.dtypes, shape: o.shape }));
    if (hit) out.push({ def, port: hit[0] });
  }
  return out;
}
