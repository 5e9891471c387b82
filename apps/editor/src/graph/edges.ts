import type { GraphEdge } from '@modalflow/core';

/** Each input port takes one edge, so the target port identifies a well-formed edge. */
export function edgeId(edge: GraphEdge): string {
  return `${edge.from[0]}.${edge.from[1]}->${edge.to[0]}.${edge.to[1]}`;
}

export const portKey = (node: string, port: string) => `${node}.${port}`;
