import type { GraphDoc, Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { createRegistry } from '../index.ts';

/**
 * Test helper: compiles a whole graph with the full node library and runs it on onnxruntime's
 * CPU provider. The one-node harness feeds every port from `input.tensor`, which carries no
 * strings, so graphs that start at text (or any other input kind) are run through this.
 */
const runtime = createNodeRuntime({ providers: ['cpu'] });

export type GraphNodes = [id: string, type: string, params?: Record<string, unknown>][];
export type GraphEdges = [from: string, to: string][];

/** Builds a document from `[id, type, params]` nodes and `"id.port" -> "id.port"` edges. */
export function graphDoc(nodes: GraphNodes, edges: GraphEdges): GraphDoc {
  const split = (s: string): [string, string] => {
    const [id, port] = s.split('.');
    return [id!, port!];
  };
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'test' }, seed: 1,
    nodes: nodes.map(([id, type, params]) => ({ id, type, typeVersion: 1, params: params ?? {} })),
    edges: edges.map(([from, to]) => ({ from: split(from), to: split(to) })),
  };
}

export async function runGraph(doc: GraphDoc, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const registry = createRegistry();
  const compiled = compileGraph(doc, registry);
  const engine = createEngine(runtime, { registry });
  const program = await engine.load(compiled);
  try {
    return (await program.run(feeds, { cache: false })).outputs;
  } finally {
    await program.release();
  }
}
