import { emptyGraph, type GraphDoc, type GraphEdge, type GraphNode } from '@modalflow/core';

/** The repeating unit of a chain: node type, params, and the input port the previous node feeds. */
const STEPS: [string, Record<string, unknown>, string][] = [
  ['layer.linear', { out: 64, bias: true }, 'x'],
  ['layer.activation', { fn: 'gelu' }, 'x'],
  ['layer.layer_norm', { eps: 1e-5 }, 'x'],
];

/**
 * A valid graph of about `size` nodes for benchmarks: parallel chains of input → (linear →
 * activation → layer norm)… → output, laid out on a grid, so every edge has a known shape.
 */
export function generateGraph(size: number, chainLength = 20): GraphDoc {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const chains = Math.max(1, Math.round(size / chainLength));
  for (let c = 0; c < chains && nodes.length < size; c++) {
    const y = c * 320;
    const input = `in_${c}`;
    nodes.push({ id: input, type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, 64' }, ui: { x: 0, y } });
    let prev: [string, string] = [input, 'value'];
    const middle = Math.min(chainLength - 2, size - nodes.length - 1);
    for (let i = 0; i < middle; i++) {
      const [type, params, port] = STEPS[i % STEPS.length]!;
      const id = `n_${c}_${i}`;
      nodes.push({ id, type, typeVersion: 1, params: { ...params }, ui: { x: (i + 1) * 300, y } });
      edges.push({ from: prev, to: [id, port] });
      prev = [id, 'y'];
    }
    const out = `out_${c}`;
    nodes.push({ id: out, type: 'output.tensor', typeVersion: 1, params: {}, ui: { x: (middle + 1) * 300, y } });
    edges.push({ from: prev, to: [out, 'value'] });
  }
  return { ...emptyGraph(`Benchmark: ${nodes.length} nodes`), nodes, edges };
}
