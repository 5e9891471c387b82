import type { Problem } from './errors.ts';
import type { GraphDoc, GraphEdge, GraphNode } from './document.ts';
import type { NodeRegistry } from './registry.ts';
import { checkParam } from './params.ts';
import { blockNameOf, type BlockNode } from './block-schema.ts';
import { collectBlocks, type BlockSet, type CollectOptions } from './block-set.ts';
import { checkBlocks } from './block-check.ts';
import { exposedParamSpec } from './block-def.ts';
import { parseParamExpr } from './block-expr.ts';

type PortRef = [string, string];

/**
 * Blocks nest, so a small document can name a huge graph (each level doubling the one below).
 * Expansion stops past this many nodes, with an error, rather than exhausting memory.
 */
export const MAX_INLINED_NODES = 50_000;

/** Where a node or edge of the flat graph was written. */
export interface Origin {
  /** The file holding it: a block library, or the graph (undefined when unnamed). */
  file?: string;
  /** The block definition it belongs to; absent for the graph's own nodes and edges. */
  block?: string;
  /** JSON pointer inside that file. */
  path: string;
  /** For the graph's own edges: their index in `edges`. */
  edge?: number;
}

/** One block instance once expanded: which flat ports stand for its ports. */
export interface InstanceInfo {
  id: string;
  block: string;
  /** Exposed params with defaults filled in. */
  params: Record<string, unknown>;
  inputs: Record<string, PortRef[]>;
  outputs: Record<string, PortRef>;
  /** Flat ids of every node the instance expanded to (nested instances included). */
  nodes: string[];
  /** Where the instance node is written. */
  origin: Origin;
}

export interface Inlined {
  /** The flat graph: every instance replaced by its inner nodes, ids `<instance>.<inner>`. */
  doc: GraphDoc;
  problems: Problem[];
  blocks: BlockSet;
  /** Per flat node and per flat edge, where it was written. */
  nodeOrigins: Origin[];
  edgeOrigins: Origin[];
  /** Weight-name prefix of flat nodes whose weights are not named after their id (shared blocks). */
  weightPrefixes: Map<string, string>;
  instances: Map<string, InstanceInfo>;
  /** Instances that could not be expanded; they stay in the flat graph so edges to them count as connected. */
  placeholders: Set<string>;
  /** `<flat node>.<port>` fed by an instance input -> that instance port. */
  boundary: Map<string, { node: string; port: string }>;
}

interface Level {
  nodes: (GraphNode | BlockNode)[];
  edges: GraphEdge[];
  prefix: string;
  weightPrefix: string;
  stack: string[];
  origin: (kind: 'nodes' | 'edges', i: number) => Origin;
}

type Local = { kind: 'instance'; inputs: Record<string, PortRef[]>; outputs: Record<string, PortRef> } | { kind: 'placeholder' };

/**
 * Expands every block instance, recursively, into the nodes and edges of its definition, so
 * analysis, partitioning, caching, training and export see one flat graph. Inner node ids get
 * the instance id in front (`layer3.attn`), which also names their weights; a shared block's
 * weights are named after the block instead, so all its instances read one set.
 */
export function inlineBlocks(doc: GraphDoc, registry: NodeRegistry, options: CollectOptions & { maxNodes?: number } = {}): Inlined {
  const maxNodes = options.maxNodes ?? MAX_INLINED_NODES;
  let tooLarge = false;
  const { file } = options;
  const { blocks, problems } = collectBlocks(doc, options);
  const checked = checkBlocks(blocks, registry, file);
  problems.push(...checked.problems);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const nodeOrigins: Origin[] = [];
  const edgeOrigins: Origin[] = [];
  const weightPrefixes = new Map<string, string>();
  const instances = new Map<string, InstanceInfo>();
  const placeholders = new Set<string>();
  const boundary = new Map<string, { node: string; port: string }>();

  const expand = (level: Level): Map<string, Local> => {
    const local = new Map<string, Local>();
    level.nodes.forEach((n, i) => {
      const flatId = level.prefix + n.id;
      const origin = level.origin('nodes', i);
      const { bind: _bind, ...plain } = n as BlockNode;
      const name = blockNameOf(n.type);
      if (name === undefined) {
        nodes.push({ ...plain, id: flatId });
        nodeOrigins.push(origin);
        if (level.weightPrefix + n.id !== flatId) weightPrefixes.set(flatId, level.weightPrefix + n.id);
        return;
      }
      const report = (code: string, message: string, extra: Partial<Problem['at']> = {}) =>
        problems.push({ code, message, at: { file: origin.file, ...(origin.block ? { block: origin.block } : {}), node: flatId, path: origin.path, ...extra } });
      const keep = () => {
        placeholders.add(flatId);
        nodes.push({ ...plain, id: flatId });
        nodeOrigins.push(origin);
        local.set(n.id, { kind: 'placeholder' });
      };
      const entry = blocks.get(name);
      if (!entry) {
        if (!origin.block) report('MF_UNKNOWN_BLOCK', `no block named "${name}" in the graph or its block libraries`, { path: `${origin.path}/type` });
        return keep();
      }
      if (level.stack.includes(name)) {
        report('MF_BLOCK_CYCLE', `block "${name}" contains itself: ${[...level.stack, name].join(' → ')}`, { path: `${origin.path}/type` });
        return keep();
      }
      if (checked.broken.has(name)) return keep();
      if (nodes.length + entry.block.nodes.length > maxNodes) {
        if (!tooLarge) report('MF_BLOCK_TOO_LARGE', `expanding the blocks gives more than ${maxNodes} nodes; a block nested in itself many times over may do this`);
        tooLarge = true;
        return keep();
      }
      const { block } = entry;
      if (n.typeVersion !== block.version) {
        report('MF_BLOCK_VERSION_MISMATCH', `the instance was made for version ${n.typeVersion} of block "${name}", but the block is version ${block.version}`, { path: `${origin.path}/typeVersion` });
        return keep();
      }
      // No prototype: a param named `__proto__` or `constructor` is just a name here.
      const values: Record<string, unknown> = Object.create(null);
      let ok = true;
      for (const [param, value] of Object.entries(n.params)) {
        const spec = block.params[param];
        const at = { param, path: `${origin.path}/params/${param}` };
        if (!spec) {
          report('MF_UNKNOWN_PARAM', `block "${name}" exposes no param "${param}" (exposed: ${Object.keys(block.params).join(', ') || 'none'})`, at);
          ok = false;
          continue;
        }
        const bad = checkParam(exposedParamSpec(spec), value);
        if (bad) {
          report(bad.code, `param "${param}" ${bad.message}`, at);
          ok = false;
        }
        values[param] = value;
      }
      for (const [param, spec] of Object.entries(block.params)) if (!(param in values)) values[param] = spec.default;
      const inner = block.nodes.map((m, j) => {
        const params = { ...m.params };
        for (const [param, source] of Object.entries(m.bind ?? {})) {
          try {
            params[param] = parseParamExpr(source).evaluate(values);
          } catch (e) {
            problems.push({
              code: 'MF_BLOCK_EXPR',
              message: `param "${param}": ${(e as Error).message}`,
              at: { file: entry.library ?? file, block: name, node: `${flatId}.${m.id}`, param, path: `${entry.path}/nodes/${j}/bind/${param}` },
            });
            ok = false;
          }
        }
        return { ...m, params };
      });
      if (!ok) return keep();

      const first = nodes.length;
      const sub = expand({
        nodes: inner,
        edges: block.edges,
        prefix: `${flatId}.`,
        weightPrefix: block.shared ? `${name}.` : `${level.weightPrefix}${n.id}.`,
        stack: [...level.stack, name],
        origin: (kind, j) => ({ file: entry.library ?? file, block: name, path: `${entry.path}/${kind}/${j}` }),
      });
      const inputs: Record<string, PortRef[]> = {};
      for (const [port, spec] of Object.entries(block.inputs)) {
        inputs[port] = spec.to.flatMap((ref) => resolveIn(sub, `${flatId}.`, ref) ?? []);
        for (const t of inputs[port]) boundary.set(`${t[0]}.${t[1]}`, { node: flatId, port });
      }
      const outputs: Record<string, PortRef> = {};
      for (const [port, spec] of Object.entries(block.outputs)) {
        const ref = resolveOut(sub, `${flatId}.`, spec.from);
        if (ref) outputs[port] = ref;
      }
      instances.set(flatId, { id: flatId, block: name, params: values, inputs, outputs, nodes: nodes.slice(first).map((x) => x.id), origin });
      local.set(n.id, { kind: 'instance', inputs, outputs });
    });

    level.edges.forEach((e, i) => {
      const origin = level.origin('edges', i);
      const at = { file: origin.file, ...(origin.block ? { block: origin.block } : {}), ...(origin.edge !== undefined ? { edge: origin.edge } : {}) };
      const from = resolveOut(local, level.prefix, e.from);
      const to = resolveIn(local, level.prefix, e.to);
      if (!from) {
        problems.push({ code: 'MF_UNKNOWN_PORT', message: `block instance has no output port "${e.from[1]}"`, at: { ...at, node: level.prefix + e.from[0], port: e.from[1], path: `${origin.path}/from/1` } });
      }
      if (!to) {
        problems.push({ code: 'MF_UNKNOWN_PORT', message: `block instance has no input port "${e.to[1]}"`, at: { ...at, node: level.prefix + e.to[0], port: e.to[1], path: `${origin.path}/to/1` } });
      }
      if (!from || !to) return;
      for (const t of to) {
        edges.push({ from, to: t });
        edgeOrigins.push(origin);
      }
    });
    return local;
  };

  expand({
    nodes: doc.nodes,
    edges: doc.edges,
    prefix: '',
    weightPrefix: '',
    stack: [],
    origin: (kind, i) => ({ file, path: `/${kind}/${i}`, ...(kind === 'edges' ? { edge: i } : {}) }),
  });

  const { blocks: _b, blockLibraries: _l, ...rest } = doc;
  return {
    doc: { ...rest, nodes, edges }, problems, blocks, nodeOrigins, edgeOrigins, weightPrefixes, instances, placeholders, boundary,
  };
}

function resolveIn(local: Map<string, Local>, prefix: string, [id, port]: PortRef): PortRef[] | undefined {
  const l = local.get(id);
  if (!l || l.kind === 'placeholder') return [[prefix + id, port]];
  return l.inputs[port];
}

function resolveOut(local: Map<string, Local>, prefix: string, [id, port]: PortRef): PortRef | undefined {
  const l = local.get(id);
  if (!l || l.kind === 'placeholder') return [prefix + id, port];
  return l.outputs[port];
}
