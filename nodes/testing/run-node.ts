import { NodeRegistry, analyzeGraph, type AnyNodeDef, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph, nodeWeights, analyzeOrThrow, type Granularity } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { NODE_TYPES } from '../index.ts';
import { randomTensor } from './reference.ts';

export interface RunNodeOptions {
  params?: Record<string, unknown>;
  /** One tensor per input port to feed; unlisted optional ports stay unconnected. */
  inputs: Record<string, Tensor>;
  /** Weights by short name (`weight`, `0.bias`); missing ones are seeded. */
  weights?: Record<string, Tensor>;
  seed?: number;
  granularity?: Granularity;
}

export interface RunNodeResult {
  outputs: Record<string, Tensor>;
  /** The weights the node ran with, by short name. */
  weights: Record<string, Tensor>;
  doc: GraphDoc;
}

const runtime = createNodeRuntime({ providers: ['cpu'] });

/** A one-node graph: an input node per fed port, the node, an output node per output port. */
export function singleNodeGraph(def: AnyNodeDef, options: RunNodeOptions): GraphDoc {
  const nodes: GraphDoc['nodes'] = [];
  const edges: GraphDoc['edges'] = [];
  for (const [port, t] of Object.entries(options.inputs)) {
    if (t.dtype === 'string') {
      nodes.push({ id: `in_${port}`, type: 'input.text', typeVersion: 1, params: {} });
      edges.push({ from: [`in_${port}`, 'text'], to: ['n', port] });
      continue;
    }
    nodes.push({ id: `in_${port}`, type: 'input.tensor', typeVersion: 1, params: { dtype: t.dtype, shape: t.dims.join(',') } });
    edges.push({ from: [`in_${port}`, 'value'], to: ['n', port] });
  }
  nodes.push({ id: 'n', type: def.type, typeVersion: def.version, params: options.params ?? {} });
  for (const port of Object.keys(def.outputs)) {
    nodes.push({ id: `out_${port}`, type: 'output.tensor', typeVersion: 1, params: {} });
    edges.push({ from: ['n', port], to: [`out_${port}`, 'value'] });
  }
  return { format: 'modalflow.graph', version: 1, meta: { title: def.type }, seed: options.seed ?? 1, nodes, edges };
}

export function registryWith(def: AnyNodeDef): NodeRegistry {
  const reg = new NodeRegistry(NODE_TYPES.filter((d) => d.type !== def.type));
  reg.register(def);
  return reg;
}

/** Compiles and runs one node on onnxruntime's CPU provider, as a graph would. */
export async function runNode(def: AnyNodeDef, options: RunNodeOptions): Promise<RunNodeResult> {
  const doc = singleNodeGraph(def, options);
  const registry = registryWith(def);
  const analysis = analyzeOrThrow(doc, registry);
  let supplied: Map<string, Tensor> | undefined;
  if (options.weights) {
    const seeded = nodeWeights(analysis, 'n', undefined);
    supplied = new Map(Object.entries({ ...seeded, ...options.weights }).map(([k, v]) => [`n.${k}`, v]));
  }
  const compiled = compileGraph(doc, registry, { weights: supplied, granularity: options.granularity });
  const engine = createEngine(runtime, { registry });
  const program = await engine.load(compiled);
  try {
    const feeds = Object.fromEntries(Object.entries(options.inputs).map(([port, t]) => [`in_${port}`, t]));
    const result = await program.run(feeds, { cache: false });
    const outputs = Object.fromEntries(Object.keys(def.outputs).map((port) => [port, result.outputs[`out_${port}`]!]));
    return { outputs, weights: nodeWeights(analysis, 'n', supplied), doc };
  } finally {
    await program.release();
  }
}

/**
 * Every weight of a node drawn at random (seeded LCG), so layer norms are tested with
 * gains and shifts other than 1 and 0. Gains land in [0.75, 1.25].
 */
export function randomWeights(def: AnyNodeDef, options: RunNodeOptions, seed = 100, scale = 0.5): Record<string, Tensor> {
  const analysis = analyzeGraph(singleNodeGraph(def, options), registryWith(def));
  const info = analysis.nodes.get('n');
  if (!info || !analysis.ok) throw new Error(`analysis failed: ${analysis.problems.map((p) => p.message).join('; ')}`);
  const out: Record<string, Tensor> = {};
  Object.entries(info.weights).forEach(([name, spec], k) => {
    const t = randomTensor(spec.shape, seed + 7919 * (k + 1), spec.init.kind === 'ones' ? 0.25 : scale);
    if (spec.init.kind === 'ones') {
      const d = t.data as Float32Array;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! + 1;
    }
    out[name] = t;
  });
  return out;
}
