import type { DType } from './tensor.ts';
import { isModalflowError, type Problem } from './errors.ts';
import type { GraphDoc, GraphEdge } from './document.ts';
import type { AnyNodeDef, AssetLookup, CostContext, ShapeContext, WeightContext, WeightSpec } from './node.ts';
import type { PortSpec } from './ports.ts';
import type { NodeRegistry } from './registry.ts';
import { NodeError } from './node-error.ts';
import { checkParam, type ParamSpecs } from './params.ts';
import { dimValue, formatShape, type Dim, type Shape } from './shape.ts';
import { fillTemplate, unifyShape } from './unify.ts';
import { checkDocumentUri } from './assets.ts';
import { migrateNodes } from './migrate.ts';
import { numel } from './tensor.ts';
import { inlineBlocks, type InstanceInfo } from './block-inline.ts';
import type { BlockSet } from './block-set.ts';
import type { BlockLibraryLookup } from './block-library.ts';
import { relocateProblems } from './block-problems.ts';
import { blockNameOf } from './block-schema.ts';
import { upgradeRetiredTypes } from './upgrade.ts';
import { recordProblems, recordedProblems, unchangedNodes } from './analyze-reuse.ts';

export interface NodeInfo {
  id: string;
  index: number;
  def: AnyNodeDef;
  /** The node's ports: the definition's, or those its `ports()` gave for these params and assets. */
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  /** False when the ports depend on an asset or params that could not be read: edges to
   *  such a node are not checked, since its real ports are unknown. */
  portsKnown: boolean;
  /** Params with defaults filled in. */
  params: Record<string, unknown>;
  inputShapes: Record<string, Shape>;
  inputDtypes: Record<string, DType>;
  outputShapes: Record<string, Shape>;
  outputDtypes: Record<string, DType>;
  dims: Record<string, Dim>;
  weights: Record<string, WeightSpec>;
  /** Weights are named `<weightPrefix>.<weight>`: the node id, or a shared block's name and inner path. */
  weightPrefix: string;
  paramCount: number;
  flops: number;
  /** False when an error upstream or here left the node's outputs unknown. */
  ok: boolean;
}

export interface Analysis {
  /** The flat graph that was analysed: blocks inlined, ids of inner nodes `<instance>.<inner>`. */
  doc: GraphDoc;
  /** The document as written, blocks and all. */
  source: GraphDoc;
  blocks: BlockSet;
  /** Every block instance (nested ones by their flat id) and the flat ports standing for its ports. */
  instances: Map<string, InstanceInfo>;
  problems: Problem[];
  /** Topological order of node ids (those on a cycle are left out). */
  order: string[];
  nodes: Map<string, NodeInfo>;
  /** Incoming edge of each `node.port`. */
  incoming: Map<string, GraphEdge>;
  totals: { params: number; flops: number };
  ok: boolean;
}

export interface AnalyzeOptions {
  file?: string;
  /** Sizes for symbolic dims in cost estimates (default 1, i.e. per example). */
  symbols?: Record<string, number>;
  /** Loaded assets, for nodes whose ports come from a file (an imported ONNX model). */
  asset?: AssetLookup;
  /** Reads the block library files the document pins. */
  library?: BlockLibraryLookup;
  /**
   * The analysis of this document before an edit, made with the same options: nodes the edit
   * did not reach (neither changed nor downstream of a change) keep their `NodeInfo` objects
   * instead of being analysed again. Documents with blocks are analysed whole.
   */
  previous?: Analysis;
}

const key = (node: string, port: string) => `${node}.${port}`;

/**
 * Validates a loaded document against the registry and infers every shape, dtype, parameter
 * count and FLOP count, without building any weight. Collects every problem it can find rather
 * than stopping at the first, so an editor can mark all of them at once.
 */
export function analyzeGraph(input: GraphDoc, registry: NodeRegistry, options: AnalyzeOptions = {}): Analysis {
  const inlined = inlineBlocks(upgradeRetiredTypes(input, registry), registry, { file: options.file, library: options.library });
  // A `block:` type left in the flat graph is an instance that could not be expanded: it must
  // not be analysed as a node even where a registry lists blocks for an editor's palette.
  const types = { get: (type: string) => (blockNameOf(type) === undefined ? registry.get(type) : undefined) } as NodeRegistry;
  const prior = options.previous;
  const reusable = prior && !prior.instances.size && !inlined.instances.size && !prior.blocks.size && !inlined.blocks.size && prior.source.assets === input.assets ? prior : undefined;
  const flat = analyzeFlat(inlined.doc, types, options, inlined.weightPrefixes, reusable);
  const problems = [...inlined.problems, ...relocateProblems(flat.problems, inlined, options.file)];
  return {
    ...flat,
    source: input,
    blocks: inlined.blocks,
    instances: inlined.instances,
    problems,
    ok: !problems.some((p) => p.severity !== 'warning'),
  };
}

function analyzeFlat(
  input: GraphDoc,
  registry: NodeRegistry,
  options: AnalyzeOptions,
  weightPrefixes: Map<string, string>,
  previous?: Analysis,
): Omit<Analysis, 'source' | 'blocks' | 'instances'> {
  const { file } = options;
  const doc: GraphDoc = { ...input, nodes: migrateNodes(input.nodes, registry) };
  const problems: Problem[] = [];
  // While one node is analysed, its problems are also kept with it, to be repeated when it is reused.
  let sink: Problem[] | null = null;
  const report = (code: string, message: string, at: Problem['at'], severity: Problem['severity'] = 'error') => {
    const problem = { code, message, at: { file, ...at }, severity };
    problems.push(problem);
    sink?.push(problem);
  };
  const kept = previous ? unchangedNodes(previous.doc, previous.nodes, doc, registry) : new Set<string>();
  const late = new Map<string, Problem[]>();

  const nodes = new Map<string, NodeInfo>();
  doc.nodes.forEach((n, index) => {
    const path = `/nodes/${index}`;
    sink = null;
    if (nodes.has(n.id)) {
      report('MF_DUPLICATE_NODE_ID', `node id "${n.id}" is used more than once`, { node: n.id, path: `${path}/id` });
      return;
    }
    const reused = kept.has(n.id) ? previous!.nodes.get(n.id) : undefined;
    if (reused) {
      nodes.set(n.id, reused);
      problems.push(...recordedProblems(reused)!.early);
      return;
    }
    const def = registry.get(n.type);
    if (!def) {
      report('MF_UNKNOWN_NODE_TYPE', `unknown node type "${n.type}"`, { node: n.id, path: `${path}/type` });
      return;
    }
    if (n.typeVersion > def.version) {
      report(
        'MF_NODE_VERSION_TOO_NEW',
        `"${n.type}" version ${n.typeVersion} is newer than this ModalFlow knows (${def.version})`,
        { node: n.id, path: `${path}/typeVersion` },
      );
      return;
    }
    const early: Problem[] = [];
    sink = early;
    const params: Record<string, unknown> = {};
    let paramsOk = true;
    for (const [name, value] of Object.entries(n.params)) {
      const spec = def.params[name];
      if (!spec) {
        report('MF_UNKNOWN_PARAM', `"${n.type}" has no param "${name}"`, { node: n.id, param: name, path: `${path}/params/${name}` });
        paramsOk = false;
        continue;
      }
      const bad = checkParam(spec, value);
      if (bad) {
        report(bad.code, `param "${name}" ${bad.message}`, { node: n.id, param: name, path: `${path}/params/${name}` });
        paramsOk = false;
      }
      params[name] = value;
    }
    for (const [name, spec] of Object.entries(def.params as ParamSpecs)) {
      if (!(name in params)) params[name] = structuredClone(spec.default);
    }
    let ports = { inputs: def.inputs, outputs: def.outputs };
    for (const [name, spec] of Object.entries(def.params as ParamSpecs)) {
      if (spec.kind !== 'asset' || typeof params[name] !== 'string' || params[name] === '') continue;
      if (!doc.assets?.[params[name] as string]) {
        report('MF_UNKNOWN_ASSET', `param "${name}" names asset "${String(params[name])}", which the document's "assets" does not list`, { node: n.id, param: name, path: `${path}/params/${name}` });
        paramsOk = false;
      }
    }
    let portsKnown = true;
    let externalParams = 0;
    if (def.ports && paramsOk) {
      try {
        const given = def.ports({ node: n.id, params, asset: options.asset ?? (() => undefined) });
        ports = given;
        externalParams = given.params ?? 0;
      } catch (e) {
        if (isModalflowError(e)) {
          for (const p of e.problems) report(p.code, p.message, { path, ...p.at, node: n.id });
        } else {
          const where = e instanceof NodeError ? clean({ port: e.port, param: e.param }) : {};
          report((e instanceof NodeError && e.code) || 'MF_NODE_PORTS', (e as Error).message, { node: n.id, path, ...where });
        }
        paramsOk = false;
        portsKnown = false;
      }
    } else if (def.ports) {
      portsKnown = false;
    }
    const info: NodeInfo = {
      id: n.id, index, def, params, inputs: ports.inputs, outputs: ports.outputs, portsKnown,
      inputShapes: {}, inputDtypes: {}, outputShapes: {}, outputDtypes: {}, dims: {},
      weights: {}, weightPrefix: weightPrefixes.get(n.id) ?? n.id, paramCount: externalParams, flops: 0, ok: paramsOk,
    };
    nodes.set(n.id, info);
    late.set(n.id, []);
    recordProblems(info, early, late.get(n.id)!);
  });
  sink = null;

  const incoming = new Map<string, GraphEdge>();
  const succ = new Map<string, Set<string>>();
  const validEdges: { edge: GraphEdge; index: number }[] = [];
  const unresolved = new Set<string>();
  doc.edges.forEach((edge, index) => {
    const path = `/edges/${index}`;
    const [fromId, fromPort] = edge.from;
    const [toId, toPort] = edge.to;
    const from = nodes.get(fromId);
    const to = nodes.get(toId);
    let ok = true;
    if (!from) {
      if (!doc.nodes.some((n) => n.id === fromId)) {
        report('MF_DANGLING_EDGE', `edge starts at node "${fromId}", which does not exist`, { edge: index, node: fromId, path: `${path}/from` });
      }
      ok = false;
    } else if (!from.portsKnown) {
      ok = false;
    } else if (!from.outputs[fromPort]) {
      report('MF_UNKNOWN_PORT', `"${from.def.type}" has no output port "${fromPort}" (outputs: ${Object.keys(from.outputs).join(', ') || 'none'})`, { edge: index, node: fromId, port: fromPort, path: `${path}/from/1` });
      ok = false;
    }
    if (!to) {
      if (!doc.nodes.some((n) => n.id === toId)) {
        report('MF_DANGLING_EDGE', `edge ends at node "${toId}", which does not exist`, { edge: index, node: toId, path: `${path}/to` });
      }
      ok = false;
    } else if (!to.portsKnown) {
      ok = false;
    } else if (!to.inputs[toPort]) {
      report('MF_UNKNOWN_PORT', `"${to.def.type}" has no input port "${toPort}" (inputs: ${Object.keys(to.inputs).join(', ') || 'none'})`, { edge: index, node: toId, port: toPort, path: `${path}/to/1` });
      ok = false;
    }
    if (!ok) {
      // The source exists but could not be analysed (unknown type, ...): that problem is
      // already reported, so the input counts as connected rather than missing.
      if (to && (to.inputs[toPort] || !to.portsKnown) && doc.nodes.some((n) => n.id === fromId)) {
        unresolved.add(key(toId, toPort));
        to.ok = false;
      }
      return;
    }
    const k = key(toId, toPort);
    if (incoming.has(k)) {
      report('MF_INPUT_CONNECTED_TWICE', `input port "${toPort}" already has an incoming edge`, { edge: index, node: toId, port: toPort, path });
      return;
    }
    incoming.set(k, edge);
    validEdges.push({ edge, index });
    const s = succ.get(fromId) ?? new Set<string>();
    s.add(toId);
    succ.set(fromId, s);
  });

  for (const info of nodes.values()) {
    for (const [port, spec] of Object.entries(info.inputs)) {
      if (!spec.optional && !incoming.has(key(info.id, port)) && !unresolved.has(key(info.id, port))) {
        report('MF_MISSING_INPUT', `required input port "${port}" is not connected`, { node: info.id, port, path: `/nodes/${info.index}` });
        info.ok = false;
      }
    }
  }

  const order = topologicalOrder([...nodes.keys()], succ);
  if (order.length < nodes.size) {
    const cycle = findCycle(new Set([...nodes.keys()].filter((id) => !order.includes(id))), succ);
    report('MF_CYCLE', `the graph has a cycle: ${cycle.join(' → ')}`, { node: cycle[0] });
  }

  const edgeIndex = new Map(validEdges.map(({ edge, index }) => [key(edge.to[0], edge.to[1]), index]));
  const symbols = options.symbols ?? {};
  const size = (d: Dim) => dimValue(d, symbols);

  // A decoding loop runs the step model of the decoder wired to its `logits` (or an imported
  // decoder named in `model`): checked here so that validation catches what compiling would refuse.
  const generateSourceOk = (id: string, params: Record<string, unknown>): boolean => {
    const edge = incoming.get(key(id, 'logits'));
    if (!edge) {
      if (params['model']) return true;
      report('MF_GENERATE_NO_DECODER', 'the generate node needs a decoder: wire a decoder\'s "logits" to it, or name an imported decoder in "model"', { node: id, port: 'logits', path: `/nodes/${nodes.get(id)!.index}` });
      return false;
    }
    const from = nodes.get(edge.from[0]);
    if (from && !from.def.decoderStep) {
      const index = edgeIndex.get(key(id, 'logits'))!;
      report('MF_GENERATE_NOT_DECODER', `"${edge.from[0]}" (${from.def.type}) cannot run one token at a time; wire a decoder (such as decoder.transformer) to "logits"`, { node: id, port: 'logits', edge: index, path: `/edges/${index}` });
      return false;
    }
    // The loop writes one sequence per prompt row, else per row of the decoder's encoder states.
    if (!incoming.has(key(id, 'prompt')) && !incoming.has(key(edge.from[0], 'memory'))) {
      report('MF_GENERATE_NO_BATCH', 'the decoding loop cannot tell how many sequences to write: wire a prompt to the generate node, or encoder states to the decoder\'s "memory"', { node: id, port: 'prompt', path: `/nodes/${nodes.get(id)!.index}` });
      return false;
    }
    return true;
  };

  for (const id of order) {
    const info = nodes.get(id)!;
    sink = late.get(id) ?? null;
    if (!sink) {
      problems.push(...recordedProblems(info)!.late);
      continue;
    }
    const { def, params } = info;
    let upstreamOk = info.ok;
    for (const [port, spec] of Object.entries(info.inputs)) {
      const edge = incoming.get(key(id, port));
      if (!edge) continue;
      const src = nodes.get(edge.from[0])!;
      const shape = src.outputShapes[edge.from[1]];
      const dtype = src.outputDtypes[edge.from[1]];
      if (!src.ok || !shape || !dtype) {
        upstreamOk = false;
        continue;
      }
      const at = { node: id, port, edge: edgeIndex.get(key(id, port))!, path: `/edges/${edgeIndex.get(key(id, port))}` };
      if (!spec.dtypes.includes(dtype)) {
        report('MF_DTYPE_MISMATCH', `input "${port}" accepts ${spec.dtypes.join(' or ')}, but "${edge.from[0]}.${edge.from[1]}" gives ${dtype}`, at);
        upstreamOk = false;
        continue;
      }
      const u = unifyShape(spec.shape, shape, info.dims, params);
      if (!u.ok) {
        report('MF_SHAPE_MISMATCH', `input "${port}" ${u.message} from "${edge.from[0]}.${edge.from[1]}"`, at);
        upstreamOk = false;
        continue;
      }
      info.inputShapes[port] = shape;
      info.inputDtypes[port] = dtype;
    }
    info.ok = upstreamOk;
    if (!info.ok) continue;
    if (def.generate && !generateSourceOk(id, params)) {
      info.ok = false;
      continue;
    }

    const shapeCtx: ShapeContext<any> = { node: id, params, inputs: info.inputShapes, dims: info.dims };
    try {
      info.outputShapes = def.infer
        ? def.infer(shapeCtx)
        : Object.fromEntries(Object.entries(info.outputs).map(([p, s]) => [p, fillTemplate(s.shape ?? [], info.dims, params)]));
      const dtypes = def.dtypes?.(shapeCtx) ?? {};
      for (const [p, s] of Object.entries(info.outputs)) {
        info.outputDtypes[p] = dtypes[p] ?? s.dtypes[0]!;
        if (!info.outputShapes[p]) throw new NodeError(`infer() gave no shape for output "${p}"`, { port: p });
      }
      const costCtx: CostContext<any> = { ...shapeCtx, outputs: info.outputShapes, size };
      const weightCtx: WeightContext<any> = {
        ...costCtx,
        need(d, what) {
          if (typeof d === 'number') return d;
          throw new NodeError(`${what} must be a known size to build weights, but it is ${d === undefined ? 'unknown' : `symbolic ("${d}")`}`);
        },
      };
      info.weights = def.weights?.(weightCtx) ?? {};
      info.paramCount += Object.values(info.weights).reduce((acc, w) => acc + (w.buffer ? 0 : numel(w.shape)), 0);
      info.flops = def.flops?.(costCtx) ?? 0;
    } catch (e) {
      const where = e instanceof NodeError ? { port: e.port, param: e.param } : {};
      report((e instanceof NodeError && e.code) || 'MF_SHAPE_INFER', (e as Error).message, { node: id, path: `/nodes/${info.index}`, ...clean(where) });
      info.ok = false;
    }
  }

  sink = null;
  checkAssets(doc, file, report);
  if (nodes.size > 0 && ![...nodes.values()].some((n) => n.def.role === 'output')) {
    report('MF_NO_OUTPUTS', 'the graph has no output node, so running it returns nothing', {}, 'warning');
  }

  // Instances of a shared block hold the same tensors: each is counted once, as PyTorch's
  // `parameters()` counts a tied weight once, and all must agree on its shape.
  let params = 0;
  let flops = 0;
  const seen = new Map<string, { shape: number[]; node: string }>();
  for (const n of nodes.values()) {
    params += n.paramCount;
    flops += n.flops;
    for (const [name, w] of Object.entries(n.weights)) {
      const full = `${n.weightPrefix}.${name}`;
      const prior = seen.get(full);
      if (!prior) {
        seen.set(full, { shape: w.shape, node: n.id });
        continue;
      }
      if (!w.buffer) params -= numel(w.shape);
      if (prior.shape.join() !== w.shape.join()) {
        report('MF_SHARED_WEIGHT_SHAPE', `shared weight "${full}" is [${w.shape.join(', ')}] here but [${prior.shape.join(', ')}] in "${prior.node}": instances of a shared block must have the same sizes`, { node: n.id, weight: full, path: `/nodes/${n.index}` });
      }
    }
  }
  return {
    doc, problems, order, nodes, incoming,
    totals: { params, flops },
    ok: !problems.some((p) => p.severity !== 'warning'),
  };
}

function clean<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkAssets(doc: GraphDoc, file: string | undefined, report: (c: string, m: string, at: Problem['at']) => void) {
  if (doc.weights) {
    const why = checkDocumentUri(doc.weights.uri);
    if (why) report('MF_ASSET_ESCAPES', why, { file, path: '/weights/uri' });
  }
  for (const [name, asset] of Object.entries(doc.assets ?? {})) {
    const why = checkDocumentUri(asset.uri);
    if (why) report('MF_ASSET_ESCAPES', why, { file, path: `/assets/${name}/uri` });
  }
}

/** Kahn's algorithm; ties keep document order so output is stable across runs. */
export function topologicalOrder(ids: string[], succ: Map<string, Set<string>>): string[] {
  const indeg = new Map(ids.map((id) => [id, 0]));
  for (const targets of succ.values()) for (const t of targets) indeg.set(t, (indeg.get(t) ?? 0) + 1);
  const ready = ids.filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(id);
    for (const t of succ.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  return order;
}

/** Every node Kahn could not place has a predecessor that is also unplaced, so walking
 *  predecessors from any of them must come back to a node already seen: that loop is a cycle. */
function findCycle(remaining: Set<string>, succ: Map<string, Set<string>>): string[] {
  const pred = new Map<string, string>();
  for (const [from, targets] of succ) {
    if (!remaining.has(from)) continue;
    for (const t of targets) if (remaining.has(t) && !pred.has(t)) pred.set(t, from);
  }
  const seen = new Map<string, number>();
  const walk: string[] = [];
  let cur = [...remaining][0]!;
  while (!seen.has(cur)) {
    seen.set(cur, walk.length);
    walk.push(cur);
    cur = pred.get(cur)!;
  }
  const loop = walk.slice(seen.get(cur)!).reverse();
  return [...loop, loop[0]!];
}

export { formatShape };
