import type { NodeRegistry } from '@modalflow/core';
import { typesAccepting, typesFeeding, type PortMatch } from '@modalflow/document-ops';
import type { EditorState, WireEnd } from '../store/types.ts';
import { isBoundary } from '../blocks/blockView.ts';

// A block's boundary nodes are drawn, never placed: no search offers them.
const PLACEABLE = { exclude: isBoundary };

/**
 * The node types that can sit at the loose end of a wire. From an output, the value's inferred
 * dtype and shape are used when known (else its template); from an input, its template.
 */
export function wireMatches(state: EditorState, registry: NodeRegistry, end: WireEnd): PortMatch[] {
  const port = (end.side === 'source' ? state.nodeViews.get(end.node)?.outputs : state.nodeViews.get(end.node)?.inputs)?.find((p) => p.name === end.port);
  if (!port || port.unknown) return [];
  if (end.side === 'target') return typesFeeding(registry, port.spec, PLACEABLE);
  const info = state.analysis.nodes.get(end.node);
  const dtype = info?.ok ? info.outputDtypes[end.port] : undefined;
  const shape = info?.ok ? info.outputShapes[end.port] : undefined;
  return typesAccepting(registry, { dtypes: dtype ? [dtype] : port.spec.dtypes, shape: shape ?? port.spec.shape }, PLACEABLE);
}
