import type { GraphDoc } from '@modalflow/core';

/** A chain of `n` nodes (linear / activation / layer norm in turn) between an input and an output. */
export function chainGraph(n: number, width = 32): GraphDoc {
  const nodes: GraphDoc['nodes'] = [{ id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: `B, ${width}` } }];
  const edges: GraphDoc['edges'] = [];
  let prev: [string, string] = ['x', 'value'];
  for (let k = 0; k < n; k++) {
    const id = `n${k}`;
    const kind = k % 3;
    const node =
      kind === 0
        ? { id, type: 'layer.linear', typeVersion: 1, params: { out: width } }
        : kind === 1
          ? { id, type: 'layer.activation', typeVersion: 1, params: { fn: 'gelu' } }
          : { id, type: 'layer.layer_norm', typeVersion: 1, params: {} };
    nodes.push(node);
    edges.push({ from: prev, to: [id, 'x'] });
    prev = [id, kind === 0 || kind === 1 || kind === 2 ? 'y' : 'y'];
  }
  nodes.push({ id: 'out', type: 'output.tensor', typeVersion: 1, params: {} });
  edges.push({ from: prev, to: ['out', 'value'] });
  return { format: 'modalflow.graph', version: 1, meta: { title: `chain of ${n}` }, seed: 0, nodes, edges };
}
