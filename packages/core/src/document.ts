import { z } from 'zod';

/** The newest document version this build reads and writes. */
export const GRAPH_VERSION = 1;
export const GRAPH_FORMAT = 'modalflow.graph';

// Node ids become weight-name prefixes (`<id>.<weight>`) and ONNX name scopes, so no dots.
export const NODE_ID_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const AssetRef = z.strictObject({
  uri: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
});

const GraphNode = z.strictObject({
  id: z.string().regex(NODE_ID_RE, 'must start with a letter or _, then letters, digits, _ or - (no dots)'),
  type: z.string().min(1),
  typeVersion: z.number().int().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  label: z.string().optional(),
  /** Whether training may change this node's weights (default: yes, except imported models). */
  trainable: z.boolean().optional(),
  /** Weight of this loss node's output in the training objective; absent means not an objective. */
  objective: z.number().min(0).optional(),
  ui: z
    .looseObject({ x: z.number().optional(), y: z.number().optional(), collapsed: z.boolean().optional() })
    .optional(),
});

const PortRef = z.tuple([z.string().min(1), z.string().min(1)]);

const GraphEdge = z.strictObject({ from: PortRef, to: PortRef });

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
});

export type GraphDoc = z.infer<typeof GraphSchema>;
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type AssetRef = z.infer<typeof AssetRef>;

export function emptyGraph(title = 'Untitled'): GraphDoc {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, meta: { title }, seed: 0, nodes: [], edges: [] };
}
