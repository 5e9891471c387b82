import type { GraphDoc } from '@modalflow/core';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { Size, XY } from '../store/types.ts';

const DEFAULT_SIZE: Size = { width: 240, height: 140 };

/**
 * Left-to-right layered layout by ELK. Ports keep their declared order on the node's sides, so
 * wires into `a`, `b`, `c` stay untangled. Returns a top-left position for every node.
 */
export type PortNames = (nodeId: string) => { inputs: readonly string[]; outputs: readonly string[] };

export async function layoutGraph(doc: GraphDoc, ports: PortNames, sizes: ReadonlyMap<string, Size>): Promise<Record<string, XY>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      // Room between layers for the shape labels wires carry, so they never sit on a card.
      'elk.layered.spacing.nodeNodeBetweenLayers': '130',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.separateConnectedComponents': 'true',
      'elk.spacing.componentComponent': '80',
    },
    children: doc.nodes.map((n) => {
      const size = sizes.get(n.id) ?? DEFAULT_SIZE;
      const names = ports(n.id);
      const sides = [
        ...names.inputs.map((p, i) => ({ id: `${n.id}\u0000in\u0000${p}`, side: 'WEST', index: i })),
        ...names.outputs.map((p, i) => ({ id: `${n.id}\u0000out\u0000${p}`, side: 'EAST', index: i })),
      ];
      return {
        id: n.id,
        width: size.width,
        height: size.height,
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: sides.map((p) => ({ id: p.id, width: 1, height: 1, layoutOptions: { 'elk.port.side': p.side, 'elk.port.index': String(p.index) } })),
      };
    }),
    edges: doc.edges
      .filter((e) => ids.has(e.from[0]) && ids.has(e.to[0]))
      .map((e, i) => ({
        id: `e${i}`,
        sources: [`${e.from[0]}\u0000out\u0000${e.from[1]}`],
        targets: [`${e.to[0]}\u0000in\u0000${e.to[1]}`],
      })),
  };
  // A port a definition no longer has would make ELK throw; wire such edges node to node instead.
  const portIds = new Set(graph.children!.flatMap((c) => c.ports!.map((p) => p.id)));
  for (const edge of graph.edges!) {
    if (!portIds.has(edge.sources[0]!)) edge.sources = [edge.sources[0]!.split('\u0000')[0]!];
    if (!portIds.has(edge.targets[0]!)) edge.targets = [edge.targets[0]!.split('\u0000')[0]!];
  }
  const out = await elk.layout(graph);
  return Object.fromEntries((out.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));
}
