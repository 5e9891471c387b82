import { ModalflowError, type Analysis, type DType, type GraphDoc, type NodeRegistry, type Shape, type Tensor } from '@modalflow/core';
import { analyzeOrThrow, compileGraph, type CompileOptions } from '../compile.ts';
import type { CompiledPlan, PlanOutput } from '../plan.ts';
import { allWeights } from '../weights.ts';
import type { InlineModels } from '../lower.ts';
import { importedWeight, readImported, type ImportedModel } from './inline-model.ts';
import type { TrainConfig } from './config.ts';
import { matchesPattern } from './patterns.ts';

export interface Objective {
  node: string;
  /** The loss tensor, `<nodeId>.loss` (or the node's only output). */
  tensor: string;
  weight: number;
}

export interface BoundaryTensor {
  tensor: string;
  dtype: DType;
  shape: Shape;
}

/**
 * Everything about a training run that does not depend on batch shapes: which nodes the step
 * computes, which weights move, the host steps that prepare each batch. The step model itself
 * is built per batch signature (see buildStep), because gradient rules need concrete sizes.
 */
export interface TrainSetup {
  analysis: Analysis;
  config: TrainConfig;
  objectives: Objective[];
  /** Lowerable nodes the objectives depend on, in topological order. */
  stepNodes: string[];
  /** Those plus what the graph's output nodes read, for evaluation. */
  evalNodes: string[];
  /** Tensors the step model reads: graph inputs and results of host steps. */
  boundary: BoundaryTensor[];
  /** Host steps (tokenizers, image processors) to run on each batch, as a plan. */
  prefix: CompiledPlan;
  /** Weights that train, with their shapes. */
  params: { name: string; node: string; dims: number[] }[];
  /** Weights of computed nodes that stay fixed. */
  frozen: string[];
  /** Starting values of every weight (trainable and frozen), by `<nodeId>.<weight>`. */
  initial: Map<string, Tensor>;
  /** The graph's output nodes, as evaluation returns them. */
  outputs: PlanOutput[];
  graphHash: string;
  file?: string;
  /** Imported models, copied into the step op by op. */
  inline: InlineModels;
}

export interface TrainSetupOptions extends CompileOptions {
  train: TrainConfig;
}

const LOSS_PORT = 'loss';

/** Picks the objectives: explicit weights, else the nodes the document marks, else every loss node. */
function chooseObjectives(doc: GraphDoc, analysis: Analysis, given: Record<string, number> | undefined, file?: string): Objective[] {
  let chosen: [string, number][];
  if (given && Object.keys(given).length) chosen = Object.entries(given);
  else {
    const marked = doc.nodes.filter((n) => n.objective !== undefined).map((n) => [n.id, n.objective!] as [string, number]);
    chosen = marked.length
      ? marked
      : analysis.order.filter((id) => analysis.nodes.get(id)!.def.category === 'losses').map((id) => [id, 1]);
  }
  if (!chosen.length) {
    throw new ModalflowError('MF_TRAIN_NO_OBJECTIVE', 'the graph has no loss node to train on; add one (Losses in the palette) and connect it', { file });
  }
  return chosen.map(([node, weight]) => {
    const info = analysis.nodes.get(node);
    if (!info) throw new ModalflowError('MF_TRAIN_NO_OBJECTIVE', `objective "${node}" is not a node of the graph`, { file, node });
    const ports = Object.keys(info.outputs);
    const port = ports.includes(LOSS_PORT) ? LOSS_PORT : ports.length === 1 ? ports[0]! : undefined;
    if (!port) throw new ModalflowError('MF_TRAIN_BAD_OBJECTIVE', `objective "${node}" has no "loss" output to minimise`, { file, node });
    const dims = info.outputShapes[port]!;
    if (info.outputDtypes[port] !== 'float32') {
      throw new ModalflowError('MF_TRAIN_BAD_OBJECTIVE', `objective "${node}.${port}" is ${info.outputDtypes[port]}, not a float loss`, { file, node, port });
    }
    if (dims.length && info.def.category !== 'losses') {
      throw new ModalflowError('MF_TRAIN_BAD_OBJECTIVE', `objective "${node}.${port}" is not a scalar loss`, { file, node, port });
    }
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new ModalflowError('MF_TRAIN_BAD_OBJECTIVE', `objective weight of "${node}" must be a finite number >= 0, got ${weight}`, { file, node });
    }
    return { node, tensor: `${node}.${port}`, weight };
  });
}

/** Nodes `targets` depend on, in topological order. */
function ancestors(analysis: Analysis, targets: string[]): string[] {
  const need = new Set<string>();
  const stack = [...targets];
  while (stack.length) {
    const id = stack.pop()!;
    if (need.has(id)) continue;
    need.add(id);
    const info = analysis.nodes.get(id)!;
    for (const port of Object.keys(info.inputs)) {
      const e = analysis.incoming.get(`${id}.${port}`);
      if (e) stack.push(e.from[0]);
    }
  }
  return analysis.order.filter((id) => need.has(id));
}

function isTrainable(doc: GraphDoc, analysis: Analysis, node: string, weight: string, config: TrainConfig): boolean {
  const info = analysis.nodes.get(node)!;
  if (info.weights[weight]?.buffer) return false;
  const full = `${info.weightPrefix}.${weight}`;
  if (config.freeze?.some((p) => matchesPattern(full, p))) return false;
  if (config.unfreeze?.some((p) => matchesPattern(full, p))) return true;
  const flag = doc.nodes.find((n) => n.id === node)?.trainable;
  return flag ?? !info.def.model;
}

export function prepareTraining(doc: GraphDoc, registry: NodeRegistry, options: TrainSetupOptions): TrainSetup {
  const { file, train } = options;
  const analysis = analyzeOrThrow(doc, registry, options);
  // Blocks are expanded by analysis: flags on nodes inside them are read from the flat graph.
  const flat = analysis.doc;
  const objectives = chooseObjectives(flat, analysis, train.objectives, file);
  const computed = (id: string) => {
    const def = analysis.nodes.get(id)!.def;
    return def.role === 'op' && !def.host && !def.generate;
  };
  const stepNodes = ancestors(analysis, objectives.map((o) => o.node)).filter(computed);
  const isHost = (id: string) => !!analysis.nodes.get(id)!.def.host;
  // Outputs read through a host step that the model feeds (a classifier's answers named by
  // top-k labels) are presentation, not training: evaluation leaves them out, runs keep them.
  // A decoding loop fed by the model is presentation too: training reads its decoder's logits.
  const isLoop = (id: string) => !!analysis.nodes.get(id)!.def.generate;
  const afterModel = (id: string) => (isHost(id) || isLoop(id)) && ancestors(analysis, [id]).some(computed);
  const outputNodes = analysis.order
    .filter((id) => analysis.nodes.get(id)!.def.role === 'output')
    .filter((id) => !ancestors(analysis, [id]).some(afterModel));
  const evalNodes = ancestors(analysis, [...objectives.map((o) => o.node), ...outputNodes]).filter(computed);

  // Host steps must come before every computed node: a host step fed by the model would cut the step in two.
  const hostNodes = ancestors(analysis, [...objectives.map((o) => o.node), ...outputNodes]).filter(isHost);
  const computedSet = new Set(evalNodes);
  for (const h of hostNodes) {
    const up = ancestors(analysis, [h]).find((id) => computedSet.has(id));
    if (up) {
      throw new ModalflowError('MF_TRAIN_HOST_AFTER_MODEL', `host step "${h}" reads from "${up}", which is computed by the model; training needs host steps (tokenizers, image processors) before the model`, { file, node: h });
    }
  }
  // Imported models are copied into the step model op by op, their initializers becoming weights.
  const imported = new Map<string, ImportedModel>();
  for (const id of evalNodes) {
    const info = analysis.nodes.get(id)!;
    if (!info.def.model) continue;
    const ext = info.def.model({ node: id, params: info.params, asset: options.asset ?? (() => undefined) });
    const bytes = options.asset?.(ext.asset)?.bytes;
    if (!bytes) throw new ModalflowError('MF_ASSET_NOT_LOADED', `asset "${ext.asset}" is needed to train through node "${id}" but was not loaded`, { file, node: id });
    imported.set(id, readImported(bytes, id, ext.asset));
  }

  const boundary = new Map<string, BoundaryTensor>();
  for (const id of evalNodes) {
    const info = analysis.nodes.get(id)!;
    for (const port of Object.keys(info.inputs)) {
      const e = analysis.incoming.get(`${id}.${port}`);
      if (!e || computedSet.has(e.from[0])) continue;
      const src = analysis.nodes.get(e.from[0])!;
      const tensor = `${e.from[0]}.${e.from[1]}`;
      boundary.set(tensor, { tensor, dtype: src.outputDtypes[e.from[1]]!, shape: src.outputShapes[e.from[1]]! });
    }
  }

  const initial = allWeights(analysis, options.weights);
  const params: TrainSetup['params'] = [];
  const frozen: string[] = [];
  for (const id of evalNodes) {
    const declared = Object.entries(analysis.nodes.get(id)!.weights).map(([w, spec]) => [w, spec.shape] as const);
    const model = imported.get(id);
    const fromFile = model ? [...model.weights].map(([w, t]) => [w, t.dims] as const) : [];
    for (const [w, t] of model?.weights ?? []) initial.set(importedWeight(id, w), options.weights?.get(importedWeight(id, w)) ?? t);
    for (const [w, dims] of [...declared, ...fromFile]) {
      // Instances of a shared block name one set of weights: it trains once.
      const full = `${model ? id : analysis.nodes.get(id)!.weightPrefix}.${w}`;
      if (params.some((p) => p.name === full) || frozen.includes(full)) continue;
      if (isTrainable(flat, analysis, id, w, train)) params.push({ name: full, node: id, dims: [...dims] });
      else frozen.push(full);
    }
  }
  if (!params.length) {
    throw new ModalflowError('MF_TRAIN_NOTHING_TRAINABLE', 'no weight the objective depends on is trainable (all are frozen, buffers or inside imported models)', { file });
  }

  const full = compileGraph(doc, registry, { ...options, hostOnly: true });
  const prefixOutputs = [...boundary.values()].filter((b) => full.plan.stages.some((s) => s.outputs.some((o) => o.tensor === b.tensor)));
  const prefix: CompiledPlan = {
    ...full,
    plan: {
      ...full.plan,
      stages: full.plan.stages.filter((s) => s.nodes.some((n) => hostNodes.includes(n))),
      outputs: prefixOutputs.map((b) => ({ name: b.tensor, tensor: b.tensor, dtype: b.dtype, shape: b.shape })),
    },
  };
  const planOutputs = compileOutputs(analysis).filter((o) => outputNodes.includes(o.name));
  return {
    analysis, config: train, objectives, stepNodes, evalNodes, boundary: [...boundary.values()], prefix, params, frozen, initial,
    outputs: planOutputs, graphHash: full.plan.graphHash, file,
    inline: { asset: options.asset ?? (() => undefined), models: imported },
  };
}

function compileOutputs(analysis: Analysis): PlanOutput[] {
  const out: PlanOutput[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (info.def.role !== 'output') continue;
    for (const port of Object.keys(info.inputs)) {
      const e = analysis.incoming.get(`${id}.${port}`);
      if (!e) continue;
      const src = analysis.nodes.get(e.from[0])!;
      out.push({ name: id, tensor: `${e.from[0]}.${e.from[1]}`, dtype: src.outputDtypes[e.from[1]]!, shape: src.outputShapes[e.from[1]]! });
    }
  }
  return out;
}
