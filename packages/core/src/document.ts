import { z } from 'zod';
import { AssetRefSchema, GraphEdgeSchema, GraphNodeSchema, NODE_ID_RE } from './graph-parts.ts';
import { BlockSchema, BLOCK_NAME_RE } from './block-schema.ts';

/** The newest document version this build reads and writes. */
export const GRAPH_VERSION = 1;
export const GRAPH_FORMAT = 'modalflow.graph';

export { NODE_ID_RE };

const AssetRef = AssetRefSchema;
const GraphNode = GraphNodeSchema;
const GraphEdge = GraphEdgeSchema;

export const GraphSchema = z.strictObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  meta: z
    .looseObject({
      title: z.string().optional(),
      description: z.string().optional(),
      tags: z.array(z.string()).optional(),
    })
    .default({}),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge).default([]),
  weights: AssetRef.optional(),
  assets: z.record(z.string(), AssetRef).optional(),
  /** Subgraphs used as node types `block:<name>`; inlined before analysis. */
  blocks: z.record(z.string().regex(BLOCK_NAME_RE, 'block names are letters, digits, _ or - (no dots)'), BlockSchema).optional(),
  /** Block library files, relative to the graph's folder, pinned by SHA-256. */
  blockLibraries: z.array(AssetRef.required({ sha256: true })).optional(),
});

export type GraphDoc = z.infer<typeof GraphSchema>;
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type AssetRef = z.infer<typeof AssetRef>;

export function emptyGraph(title = 'Untitled'): GraphDoc {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, meta: { title }, seed: 0, nodes: [], edges: [] };
}
