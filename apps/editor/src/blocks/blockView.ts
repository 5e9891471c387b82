import { presetEntries } from '../palette/presets.ts';
import {
  blockNameOf, defineNode, registryWithBlocks, tensor,
  type Analysis, type BlockDoc, type BlockNode, type BlockSet, type GraphDoc, type GraphEdge, type GraphNode, type NodeInfo, type NodeRegistry, type PortSpec, type Problem,
} from '@modalflow/core';

/** Ids of the two boundary nodes drawn inside an open block; `@` keeps them apart from node ids. */
export const INPUTS_ID = '@inputs';
export const OUTPUTS_ID = '@outputs';
export const INPUTS_TYPE = 'block.inputs';
export const OUTPUTS_TYPE = 'block.outputs';

type Pos = { x: number; y: number };

/** The boundary of an open block is drawn as two nodes, but never placed by the user. */
export const isBoundary = (type: string) => type === INPUTS_TYPE || type === OUTPUTS_TYPE;

/** What the palette and the picker offer: every type and preset, but not a block's boundary. */
export function placeableTypes(types: NodeRegistry) {
  return types.list().filter((def) => !isBoundary(def.type)).flatMap((def) => [def, ...presetEntries(def)]);
}
const ANY = tensor(['float32', 'int64', 'int32', 'bool', 'uint8', 'string'], null);

/**
 * The node types a view of the document can show: the library, every block as `block:<name>`
 * and, inside an open block, its inputs and outputs as two boundary nodes whose ports are the
 * block's ports.
 */
export function viewTypes(registry: NodeRegistry, blocks: BlockSet, scope: string | null): NodeRegistry {
  const types = registryWithBlocks(registry, blocks);
  const entry = scope ? blocks.get(scope) : undefined;
  if (entry) {
    const def = types.get(`block:${scope}`)!;
    const boundary = (type: string, title: string, ports: Record<string, PortSpec>, side: 'in' | 'out') => {
      const open = Object.fromEntries(Object.keys(ports).map((p) => [p, { ...ANY, ...ports[p], optional: true }]));
      return defineNode({
        type, version: 1, category: 'blocks', title, role: side === 'in' ? 'input' : 'output',
        doc: side === 'in' ? 'Where the block\'s inputs enter: wire each to the inner ports it feeds.' : 'What the block gives: wire an inner output to each port.',
        inputs: side === 'in' ? {} : open,
        outputs: side === 'in' ? open : {},
      });
    };
    types.register(boundary(INPUTS_TYPE, `${entry.block.title ?? scope} inputs`, def.inputs, 'in'));
    types.register(boundary(OUTPUTS_TYPE, `${entry.block.title ?? scope} outputs`, def.outputs, 'out'));
  }
  return types;
}

function bounds(nodes: readonly GraphNode[]) {
  const xs = nodes.map((n) => n.ui?.x ?? 0);
  const ys = nodes.map((n) => n.ui?.y ?? 0);
  return { left: Math.min(0, ...xs), right: Math.max(0, ...xs), top: Math.min(...ys, 0) };
}

/** An open block as a graph: its nodes and edges between a node for its inputs and one for its outputs. */
export function blockView(doc: GraphDoc, scope: string): GraphDoc | null {
  const block = doc.blocks?.[scope];
  if (!block) return null;
  const box = bounds(block.nodes);
  const ui = (block.ui ?? {}) as { inputs?: Pos; outputs?: Pos };
  const inputs: GraphNode = { id: INPUTS_ID, type: INPUTS_TYPE, typeVersion: 1, params: {}, ui: ui.inputs ?? { x: box.left - 300, y: box.top } };
  const outputs: GraphNode = { id: OUTPUTS_ID, type: OUTPUTS_TYPE, typeVersion: 1, params: {}, ui: ui.outputs ?? { x: box.right + 320, y: box.top } };
  const edges: GraphEdge[] = [
    ...Object.entries(block.inputs).flatMap(([port, spec]) => spec.to.map((to) => ({ from: [INPUTS_ID, port] as [string, string], to }))),
    ...block.edges,
    ...Object.entries(block.outputs).map(([port, spec]) => ({ from: spec.from, to: [OUTPUTS_ID, port] as [string, string] })),
  ];
  return { ...doc, nodes: [inputs, ...block.nodes, outputs], edges };
}

/**
 * Writes an edited view back into the block definition: boundary wires become the block's
 * ports (a port whose wires were all removed stays, with nothing behind it, so analysis says so).
 */
export function writeBlockView(doc: GraphDoc, scope: string, view: GraphDoc): GraphDoc {
  const old = doc.blocks?.[scope];
  if (!old) return doc;
  const boundary = (id: string) => id === INPUTS_ID || id === OUTPUTS_ID;
  const inputs: BlockDoc['inputs'] = Object.fromEntries(Object.entries(old.inputs).map(([p, s]) => [p, { ...s, to: [] as [string, string][] }]));
  const outputs: BlockDoc['outputs'] = { ...old.outputs };
  const edges: GraphEdge[] = [];
  for (const e of view.edges) {
    if (e.from[0] === INPUTS_ID) (inputs[e.from[1]] ??= { to: [] }).to.push(e.to);
    else if (e.to[0] === OUTPUTS_ID) outputs[e.to[1]] = { ...outputs[e.to[1]], from: e.from };
    else if (!boundary(e.from[0]) && !boundary(e.to[0])) edges.push(e);
  }
  const pos = (id: string) => view.nodes.find((n) => n.id === id)?.ui;
  const ui = { ...old.ui, inputs: pick(pos(INPUTS_ID)), outputs: pick(pos(OUTPUTS_ID)) };
  const block: BlockDoc = {
    ...old,
    inputs,
    outputs,
    nodes: view.nodes.filter((n) => !boundary(n.id)) as BlockNode[],
    edges: sameEdges(old.edges, edges) ? old.edges : edges,
    ui,
  };
  return { ...doc, blocks: { ...doc.blocks, [scope]: block } };
}

const pick = (ui: GraphNode['ui']) => ({ x: ui?.x ?? 0, y: ui?.y ?? 0 });
const sameEdges = (a: readonly GraphEdge[], b: readonly GraphEdge[]) => a.length === b.length && a.every((e, i) => e === b[i]);

/** The instance whose analysis an open block shows: the first one the analysis expanded. */
export function instanceShown(analysis: Analysis, scope: string): string | undefined {
  for (const inst of analysis.instances.values()) if (inst.block === scope) return inst.id;
  return undefined;
}

/**
 * What each node of a view shows from the analysis of the whole (flat) document: inner nodes
 * of an open block show the first instance's shapes, instances show their ports' shapes and
 * the sums of their inner nodes' costs, and problems move to the node the view draws.
 */
export function viewAnalysis(analysis: Analysis, view: GraphDoc, scope: string | null, types: NodeRegistry): Analysis {
  const instance = scope ? instanceShown(analysis, scope) : undefined;
  const prefix = scope ? (instance ? `${instance}.` : null) : '';
  const nodes = new Map<string, NodeInfo>();
  view.nodes.forEach((n, index) => {
    if (prefix === null) return;
    const flat = analysis.nodes.get(prefix + n.id);
    if (flat) {
      nodes.set(n.id, { ...flat, id: n.id, index });
      return;
    }
    const def = types.get(n.type);
    if (!def) return;
    const inst = blockNameOf(n.type) !== undefined ? analysis.instances.get(prefix + n.id) : n.id === INPUTS_ID || n.id === OUTPUTS_ID ? analysis.instances.get(instance ?? '') : undefined;
    if (!inst) return;
    const info: NodeInfo = {
      id: n.id, index, def, params: n.params, inputs: def.inputs, outputs: def.outputs, portsKnown: true,
      inputShapes: {}, inputDtypes: {}, outputShapes: {}, outputDtypes: {}, dims: {}, weights: {}, weightPrefix: '',
      paramCount: 0, flops: 0, ok: true,
    };
    const feeds = n.id === OUTPUTS_ID ? 'inputs' : 'outputs';
    for (const [port, ref] of Object.entries(inst.outputs)) {
      const src = analysis.nodes.get(ref[0]);
      if (!src?.ok || n.id === INPUTS_ID) continue;
      (feeds === 'inputs' ? info.inputShapes : info.outputShapes)[port] = src.outputShapes[ref[1]]!;
      (feeds === 'inputs' ? info.inputDtypes : info.outputDtypes)[port] = src.outputDtypes[ref[1]]!;
    }
    for (const [port, targets] of Object.entries(inst.inputs)) {
      const t = targets[0] && analysis.nodes.get(targets[0][0]);
      const shape = t?.inputShapes[targets[0]![1]];
      if (!t || !shape || n.id === OUTPUTS_ID) continue;
      (n.id === INPUTS_ID ? info.outputShapes : info.inputShapes)[port] = shape;
      (n.id === INPUTS_ID ? info.outputDtypes : info.inputDtypes)[port] = t.inputDtypes[targets[0]![1]]!;
    }
    if (n.id !== INPUTS_ID && n.id !== OUTPUTS_ID) {
      const seen = new Set<string>();
      for (const id of inst.nodes) {
        const x = analysis.nodes.get(id);
        if (!x) continue;
        info.ok &&= x.ok;
        info.flops += x.flops;
        for (const [w, spec] of Object.entries(x.weights)) {
          const full = `${x.weightPrefix}.${w}`;
          if (!seen.has(full) && !spec.buffer) info.paramCount += spec.shape.reduce((a, d) => a * d, 1);
          seen.add(full);
          // Listed under their full names, as a checkpoint holds them.
          info.weights[full] = spec;
        }
      }
    }
    nodes.set(n.id, info);
  });
  return { ...analysis, nodes, problems: viewProblems(analysis.problems, scope, instance) };
}

function viewProblems(problems: readonly Problem[], scope: string | null, instance: string | undefined): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    const { node } = p.at;
    if (scope === null) {
      if (p.at.block === undefined) out.push(p);
      // A problem inside an instance marks the instance; one in a definition shows when it is open.
      else if (node?.includes('.')) out.push({ ...p, at: { ...p.at, node: node.slice(0, node.indexOf('.')), port: undefined, edge: undefined } });
      continue;
    }
    if (p.at.block !== scope) continue;
    const inner = node !== undefined && instance !== undefined && node.startsWith(`${instance}.`) ? node.slice(instance.length + 1) : node;
    if (inner !== undefined && inner.includes('.') && !node!.startsWith(`${instance}.`)) continue; // another instance: shown once
    out.push({ ...p, at: { ...p.at, node: inner?.split('.')[0], edge: undefined } });
  }
  return out;
}
