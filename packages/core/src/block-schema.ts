import { z } from 'zod';
import { GraphEdgeSchema, GraphNodeSchema, PortRefSchema } from './graph-parts.ts';

/** Block names end up in node types (`block:<name>`) and, for shared blocks, in weight names. */
export const BLOCK_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const BLOCK_TYPE_PREFIX = 'block:';
export const BLOCK_LIBRARY_FORMAT = 'modalflow.blocks';
export const BLOCK_LIBRARY_VERSION = 1;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const description = z.string().optional();

/** The param kinds a block may expose: the scalar ones an expression can compute with. */
const ExposedParamSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('int'), default: z.number().int(), min: z.number().optional(), max: z.number().optional(), description }),
  z.strictObject({ kind: z.literal('float'), default: z.number(), min: z.number().optional(), max: z.number().optional(), description }),
  z.strictObject({ kind: z.literal('bool'), default: z.boolean(), description }),
  z.strictObject({ kind: z.literal('choice'), default: z.string(), choices: z.array(z.string()).min(1), description }),
  z.strictObject({ kind: z.literal('string'), default: z.string(), description }),
]);

/** An inner node: a graph node whose params may be computed from the block's exposed params. */
export const BlockNodeSchema = GraphNodeSchema.extend({
  /** Inner param name -> expression over exposed params, e.g. `"hidden": "dim * 4"`. */
  bind: z.record(z.string(), z.string().min(1)).optional(),
});

export const BlockSchema = z.strictObject({
  version: z.number().int().min(1),
  title: z.string().optional(),
  description,
  /** Instances reuse one set of weights, named `<block>.<inner>.<weight>`. */
  shared: z.boolean().optional(),
  params: z.record(z.string().regex(IDENT, 'exposed params are identifiers'), ExposedParamSchema).default({}),
  inputs: z
    .record(z.string().regex(IDENT, 'port names are identifiers'), z.strictObject({ to: z.array(PortRefSchema), description }))
    .default({}),
  outputs: z
    .record(z.string().regex(IDENT, 'port names are identifiers'), z.strictObject({ from: PortRefSchema, description }))
    .default({}),
  nodes: z.array(BlockNodeSchema),
  edges: z.array(GraphEdgeSchema).default([]),
  /** Editor layout of the block's boundary (where its inputs and outputs are drawn). */
  ui: z.looseObject({}).optional(),
});

export const BlockLibrarySchema = z.strictObject({
  format: z.literal(BLOCK_LIBRARY_FORMAT),
  version: z.literal(BLOCK_LIBRARY_VERSION),
  meta: z.looseObject({ title: z.string().optional(), description }).default({}),
  blocks: z.record(z.string().regex(BLOCK_NAME_RE, 'block names are letters, digits, _ or - (no dots)'), BlockSchema),
});

export type BlockDoc = z.infer<typeof BlockSchema>;
export type BlockNode = z.infer<typeof BlockNodeSchema>;
export type ExposedParam = z.infer<typeof ExposedParamSchema>;
export type BlockLibraryDoc = z.infer<typeof BlockLibrarySchema>;

export const blockType = (name: string) => `${BLOCK_TYPE_PREFIX}${name}`;
export const blockNameOf = (type: string) => (type.startsWith(BLOCK_TYPE_PREFIX) ? type.slice(BLOCK_TYPE_PREFIX.length) : undefined);
