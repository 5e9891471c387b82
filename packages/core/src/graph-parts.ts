import { z } from 'zod';

// Node ids become weight-name prefixes (`<id>.<weight>`) and ONNX name scopes, so no dots.
export const NODE_ID_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export const AssetRefSchema = z.strictObject({
  uri: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
});

export const GraphNodeSchema = z.strictObject({
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

export const PortRefSchema = z.tuple([z.string().min(1), z.string().min(1)]);

export const GraphEdgeSchema = z.strictObject({ from: PortRefSchema, to: PortRefSchema });
