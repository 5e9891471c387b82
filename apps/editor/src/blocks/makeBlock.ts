import { BLOCK_NAME_RE, blockType, type BlockDoc, type GraphDoc, type GraphEdge, type GraphNode, type NodeRegistry } from '@modalflow/core';
import { freshId } from '@modalflow/document-ops';
import { INPUTS_ID, OUTPUTS_ID } from './blockView.ts';

export type MakeBlockResult = MadeBlock | { refused: string };

export interface MadeBlock {
  name: string;
  block: BlockDoc;
  /** The view with the selection replaced by one instance. */
  view: GraphDoc;
  instance: string;
}

function unique(stem: string, taken: Set<string>): string {
  let name = stem;
  for (let i = 2; taken.has(name); i++) name = `${stem}_${i}`;
  taken.add(name);
  return name;
}

/**
 * Turns the selected nodes of `view` into a block. Each wire entering the selection becomes a
 * block input (one per source, feeding every inner port that source fed), each inner output
 * read outside becomes a block output, and one instance takes the selection's place, wired
 * as the selection was. Graph inputs and outputs stay outside: a block takes and gives values
 * through its ports.
 */
export function makeBlock(view: GraphDoc, selected: ReadonlySet<string>, doc: GraphDoc, types: NodeRegistry, wanted?: string): MakeBlockResult {
  const inside = new Set([...selected].filter((id) => id !== INPUTS_ID && id !== OUTPUTS_ID && view.nodes.some((n) => n.id === id)));
  if (!inside.size) return { refused: 'Select the nodes to put in the block first.' };
  const io = view.nodes.filter((n) => inside.has(n.id) && types.get(n.type)?.role !== 'op' && types.get(n.type) !== undefined);
  if (io.length) return { refused: `Graph inputs and outputs stay outside a block (${io.map((n) => n.id).join(', ')}); it takes and gives values through its ports.` };
  const names = new Set(Object.keys(doc.blocks ?? {}));
  const name = wanted && BLOCK_NAME_RE.test(wanted) && !names.has(wanted) ? wanted : unique(wanted && BLOCK_NAME_RE.test(wanted) ? wanted : 'block', names);
  const instance = freshId(name, new Set(view.nodes.filter((n) => !inside.has(n.id)).map((n) => n.id)));

  const inputs: BlockDoc['inputs'] = {};
  const outputs: BlockDoc['outputs'] = {};
  const inputOf = new Map<string, string>();
  const outputOf = new Map<string, string>();
  const ports = new Set<string>();
  const outPorts = new Set<string>();
  const outer: GraphEdge[] = [];
  const inner: GraphEdge[] = [];
  for (const e of view.edges) {
    const from = inside.has(e.from[0]);
    const to = inside.has(e.to[0]);
    if (from && to) inner.push(e);
    else if (to) {
      const key = e.from.join('.');
      let port = inputOf.get(key);
      if (!port) {
        port = unique(e.to[1], ports);
        inputOf.set(key, port);
        inputs[port] = { to: [] };
        outer.push({ from: e.from, to: [instance, port] });
      }
      inputs[port]!.to.push(e.to);
    } else if (from) {
      const key = e.from.join('.');
      let port = outputOf.get(key);
      if (!port) {
        port = unique(e.from[1], outPorts);
        outputOf.set(key, port);
        outputs[port] = { from: e.from };
      }
      outer.push({ from: [instance, port], to: e.to });
    } else outer.push(e);
  }

  const members = view.nodes.filter((n) => inside.has(n.id));
  const xs = members.map((n) => n.ui?.x ?? 0);
  const ys = members.map((n) => n.ui?.y ?? 0);
  const at = { x: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length), y: Math.round(ys.reduce((a, b) => a + b, 0) / ys.length) };
  const block: BlockDoc = { version: 1, title: name, params: {}, inputs, outputs, nodes: members, edges: inner };
  const node: GraphNode = { id: instance, type: blockType(name), typeVersion: 1, params: {}, ui: at };
  const first = view.nodes.findIndex((n) => inside.has(n.id));
  const rest = view.nodes.filter((n) => !inside.has(n.id));
  rest.splice(Math.min(first, rest.length), 0, node);
  return { name, block, instance, view: { ...view, nodes: rest, edges: outer } };
}
