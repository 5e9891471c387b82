import {
  defineNode, registryWithBlocks, tensor,
  type BlockDoc, type BlockNode, type BlockSet, type GraphDoc, type GraphEdge, type GraphNode, type NodeRegistry, type PortSpec,
} from '@modalflow/core';
import { presetEntries } from '../palette/presets.ts';

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
