import type { NodeRegistry } from '@modalflow/core';
import { typesAccepting, typesFeeding, type PortMatch } from '../graph/compat.ts';
import type { EditorState, WireEnd } from '../store/types.ts';

/**
 * The node types that can sit at the loose end of a wire. From an output, the value's inferred
 * dtype and shape are used when known (else its template); from an input, its template.
 */
export function wireMatches(state: EditorState, registry: NodeRegistry, end: WireEnd): PortMatch[] {
  const node = state.nodeIndex.get(end.node);
  const def = node && registry.get(node.type);
  if (!def) return [];
  if (end.side === 'source') {
    const spec = def.outputs[end.port];
    if (!spec) return [];
    const info = state.analysis.nodes.get(end.node);
    const dtype = info?.ok ? info.outputDtypes[end.port] : undefined;
    const shape = info?.ok ? info.outputShapes[end.port] : undefined;
    return typesAccepting(registry, { dtypes: dtype ? [dtype] : spec.dtypes, shape: shape ?? spec.shape });
  }
  const spec = def.inputs[end.port];
  return spec ? typesFeeding(registry, spec) : [];
}
