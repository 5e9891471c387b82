import { blockNameOf, type Analysis, type GraphEdge, type GraphNode } from '@modalflow/core';
import { INPUTS_ID } from './blockView.ts';
import { instanceShown } from './viewAnalysis.ts';

/**
 * The tensor a wire of the view carries, by its name in the flat graph (`<node>.<port>`), so
 * it can be tapped and looked up in run results: an instance's output is the inner port behind
 * it, and inside an open block a wire belongs to the first instance, like the shapes shown.
 */
export function flatTensor(analysis: Analysis, scope: string | null, nodes: ReadonlyMap<string, GraphNode>, edge: GraphEdge): string | undefined {
  const instance = scope ? instanceShown(analysis, scope) : undefined;
  if (scope && !instance) return undefined;
  const prefix = instance ? `${instance}.` : '';
  const [from, port] = edge.from;
  if (from === INPUTS_ID && instance) {
    const target = analysis.instances.get(instance)?.inputs[port]?.[0];
    const feeding = target && analysis.incoming.get(`${target[0]}.${target[1]}`);
    return feeding ? `${feeding.from[0]}.${feeding.from[1]}` : undefined;
  }
  const node = nodes.get(from);
  if (node && blockNameOf(node.type) !== undefined) {
    const ref = analysis.instances.get(prefix + from)?.outputs[port];
    return ref ? `${ref[0]}.${ref[1]}` : undefined;
  }
  return `${prefix}${from}.${port}`;
}
