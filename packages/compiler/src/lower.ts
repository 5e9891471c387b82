import { ModalflowError, NodeError, dimValue, type Analysis, type AssetLookup, type Dim, type LowerContext } from '@modalflow/core';
import { OnnxGraph, type OnnxNode } from '@modalflow/onnx';
import type { Binding } from './plan.ts';
import { nodeWeights, type WeightSource } from './weights.ts';
import { inlineModel, type ImportedModel } from './train/inline-model.ts';

/** Imported models to copy into the segment instead of running them as their own stage (training). */
export interface InlineModels {
  asset: AssetLookup;
  models: Map<string, ImportedModel>;
}

export interface LoweredSegment {
  graph: OnnxGraph;
  inputs: Binding[];
  outputs: Binding[];
  /** Host-computed tensors the segment's nodes declared (LowerContext.feed), by node. */
  feeds: Map<string, string[]>;
}

/**
 * Emits one segment's nodes into a fresh ONNX graph. Tensors that cross the segment boundary
 * become graph inputs and outputs named by their global id (`<nodeId>.<port>`), and weights
 * become initializers named `<nodeId>.<weight>`, so a checkpoint maps onto the model 1:1.
 */
export function lowerSegment(
  analysis: Analysis,
  name: string,
  nodeIds: string[],
  exported: Set<string>,
  weights: WeightSource | undefined,
  symbols: Record<string, number> = {},
  inline?: InlineModels,
  /** Offer LowerContext.feed; the engine then computes those tensors before each run. */
  hostFeeds = false,
): LoweredSegment {
  const feeds = new Map<string, string[]>();
  const g = new OnnxGraph(name);
  const inside = new Set(nodeIds);
  const values = new Map<string, string>();
  const inputs: Binding[] = [];
  const outputs: Binding[] = [];
  const size = (d: Dim) => dimValue(d, symbols);
  // Instances of a shared block in one segment read one initializer.
  const initializers = new Map<string, string>();

  for (const id of nodeIds) {
    const info = analysis.nodes.get(id)!;
    const x: Record<string, string | undefined> = {};
    for (const port of Object.keys(info.inputs)) {
      const edge = analysis.incoming.get(`${id}.${port}`);
      if (!edge) continue;
      const tensorId = `${edge.from[0]}.${edge.from[1]}`;
      let v = values.get(tensorId);
      if (v === undefined) {
        if (inside.has(edge.from[0])) throw new Error(`internal: ${tensorId} used before it is computed`);
        const src = analysis.nodes.get(edge.from[0])!;
        v = g.addInput(tensorId, src.outputDtypes[edge.from[1]]!, src.outputShapes[edge.from[1]]!);
        values.set(tensorId, v);
        inputs.push({ name: v, tensor: tensorId });
      }
      x[port] = v;
    }
    const imported = inline?.models.get(id);
    if (imported && info.def.model) {
      const ext = info.def.model({ node: id, params: info.params, asset: inline!.asset });
      const feeds: Record<string, string> = {};
      for (const [port, name] of Object.entries(ext.inputs)) if (x[port] !== undefined) feeds[name] = x[port]!;
      const outs = inlineModel(g, id, imported, feeds, weights);
      for (const [port, name] of Object.entries(ext.outputs)) values.set(`${id}.${port}`, outs[name]!);
      continue;
    }
    const w: Record<string, string> = {};
    for (const [wname, t] of Object.entries(nodeWeights(analysis, id, weights))) {
      const full = `${info.weightPrefix}.${wname}`;
      let name = initializers.get(full);
      if (name === undefined) {
        name = g.addInitializer(full, t);
        initializers.set(full, name);
      }
      w[wname] = name;
    }
    const ctx: LowerContext<any> = {
      node: id,
      params: info.params,
      inputs: info.inputShapes,
      outputs: info.outputShapes,
      dims: info.dims,
      size,
      g,
      x,
      w,
    };
    // Only nodes read straight from graph inputs: their shapes are known before the first stage.
    const direct = Object.keys(info.inputs).every((port) => {
      const edge = analysis.incoming.get(`${id}.${port}`);
      return !edge || analysis.nodes.get(edge.from[0])?.def.role === 'input';
    });
    if (hostFeeds && direct && info.def.hostFeeds) {
      ctx.feed = (fname, dtype, shape) => {
        const tensorId = `${id}.#${fname}`;
        const v = g.addInput(tensorId, dtype, shape);
        inputs.push({ name: v, tensor: tensorId });
        feeds.set(id, [...(feeds.get(id) ?? []), fname]);
        return v;
      };
    }
    let produced: Record<string, string>;
    try {
      produced = g.scope(id, () => info.def.lower!(ctx));
    } catch (e) {
      const port = e instanceof NodeError ? e.port : undefined;
      throw new ModalflowError('MF_LOWERING', `could not lower "${info.def.type}": ${(e as Error).message}`, {
        node: id,
        ...(port ? { port } : {}),
      });
    }
    for (const port of Object.keys(info.outputs)) {
      const v = produced[port];
      if (v === undefined) {
        throw new ModalflowError('MF_LOWERING', `"${info.def.type}" lowering produced no value for output "${port}"`, { node: id, port });
      }
      values.set(`${id}.${port}`, v);
    }
  }

  const producers = new Map<string, OnnxNode>();
  const renamed = new Map<string, string>();
  for (const node of g.nodes) for (const o of node.outputs) producers.set(o, node);
  for (const id of nodeIds) {
    const info = analysis.nodes.get(id)!;
    for (const port of Object.keys(info.outputs)) {
      const tensorId = `${id}.${port}`;
      if (!exported.has(tensorId)) continue;
      const out = exposeAs(g, producers, values.get(tensorId)!, tensorId, renamed);
      g.addOutput(out, info.outputDtypes[port], info.outputShapes[port]);
      outputs.push({ name: out, tensor: tensorId });
    }
  }
  return { graph: g, inputs, outputs, feeds };
}

/**
 * Gives a computed value its global name. Renaming the producing node's output costs
 * nothing at run time, where an Identity node would; some providers (onnxruntime-web's
 * WebGPU) even place a lone Identity on the CPU. Inputs, initializers and values that are
 * already outputs keep an Identity.
 */
export function exposeAs(g: OnnxGraph, producers: Map<string, OnnxNode>, value: string, name: string, renamed = new Map<string, string>()): string {
  const current = renamed.get(value) ?? value;
  const node = producers.get(current);
  if (!node || current !== value || g.outputs.some((o) => o.name === value)) return g.identity(current, name);
  g.claim(name);
  node.outputs = node.outputs.map((o) => (o === value ? name : o));
  for (const n of g.nodes) n.inputs = n.inputs.map((v) => (v === value ? name : v));
  producers.delete(value);
  producers.set(name, node);
  renamed.set(value, name);
  return name;
}
