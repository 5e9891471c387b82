import { ModalflowError, numel, type Tensor } from '@modalflow/core';
import { addGradients, inferTypes } from '@modalflow/autodiff';
import { encodeModel, i, type OnnxGraph, type OnnxNode } from '@modalflow/onnx';
import { OPSET, PRODUCER, PRODUCER_VERSION } from '../compile.ts';
import { exposeAs, lowerSegment } from '../lower.ts';
import { clipByGlobalNorm, emitUpdates, stateNames, type StateSlot } from './optimizer.ts';
import { learningRate } from './schedule.ts';
import type { TrainSetup } from './setup.ts';

export const STEP_INPUT = 'train.step';
export const nextName = (name: string) => `next.${name}`;

export interface StepModel {
  bytes: Uint8Array;
  /** Tensor ids the model reads from the batch (graph inputs and host-step results). */
  batch: string[];
  /** Trainable weights fed and updated, by `<nodeId>.<weight>`; each output is `next.<name>`. */
  params: string[];
  /** Optimiser state fed and updated; each output is `next.<name>`. */
  state: StateSlot[];
  /** Trainable weights the objective does not depend on: fed nowhere, never updated. */
  unused: string[];
  /** Scalar outputs: 'loss', 'grad_norm', 'lr' and each objective's tensor id. */
  metrics: string[];
}

export interface EvalModel {
  bytes: Uint8Array;
  batch: string[];
  params: string[];
  /** 'loss', each objective's tensor id and each graph output's tensor id. */
  outputs: string[];
}

/** Concrete shapes of the batch tensors, by tensor id: the signature a step model is built for. */
export type BatchShapes = Record<string, number[]>;

function producers(g: OnnxGraph): Map<string, OnnxNode> {
  const m = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) m.set(o, n);
  return m;
}

/** Lowers `nodes` with trainable weights as graph inputs and batch tensors at their concrete shapes. */
function lowerForTraining(setup: TrainSetup, name: string, nodes: string[], exported: Set<string>, weights: Map<string, Tensor>, shapes: BatchShapes) {
  const lowered = lowerSegment(setup.analysis, name, nodes, exported, weights, {}, setup.inline);
  const g = lowered.graph;
  for (const v of g.inputs) {
    const s = shapes[v.name];
    if (!s) throw new ModalflowError('MF_TRAIN_BATCH', `the batch has no value for "${v.name}"`, { node: v.name.split('.')[0] });
    v.shape = [...s];
  }
  const params: string[] = [];
  for (const p of setup.params) {
    if (!g.initializers.has(p.name)) continue;
    g.initializers.delete(p.name);
    g.inputs.push({ name: p.name, dtype: 'float32', shape: [...p.dims] });
    params.push(p.name);
  }
  g.outputs.length = 0;
  return { g, batch: lowered.inputs.map((b) => b.tensor), params, values: new Map(lowered.outputs.map((b) => [b.tensor, b.name])) };
}

/** The weighted sum of the objectives, as a scalar named 'loss'. */
function totalLoss(g: OnnxGraph, setup: TrainSetup, values: Map<string, string>): string {
  const terms = setup.objectives.map((o) => {
    let v = values.get(o.tensor)!;
    const shape = setup.analysis.nodes.get(o.node)!.outputShapes[o.tensor.split('.')[1]!]!;
    if (shape.length) v = g.op('ReduceMean', [v], { keepdims: { kind: 'int', value: 0 } });
    return o.weight === 1 ? v : g.op('Mul', [v, g.scalarFloat(o.weight)]);
  });
  const sum = terms.length === 1 ? g.op('Identity', [terms[0]!]) : g.op('Sum', terms);
  return exposeAs(g, producers(g), sum, 'loss');
}

function encode(g: OnnxGraph, setup: TrainSetup, kind: string): Uint8Array {
  return encodeModel(g, {
    opset: OPSET,
    producerName: PRODUCER,
    producerVersion: PRODUCER_VERSION,
    docString: `${setup.analysis.doc.meta.title ?? 'graph'}: ${kind}`,
    metadata: { 'modalflow.graph_hash': setup.graphHash, 'modalflow.stage': kind },
  });
}

/**
 * The forward pass down to the weighted objective, with trainable weights as graph inputs: what
 * the step differentiates, exposed for gradient checks.
 */
export function lossGraph(setup: TrainSetup, shapes: BatchShapes, weights: Map<string, Tensor>) {
  const exported = new Set(setup.objectives.map((o) => o.tensor));
  const { g, batch, params, values } = lowerForTraining(setup, 'train_loss', setup.stepNodes, exported, weights, shapes);
  const loss = totalLoss(g, setup, values);
  return { graph: g, loss, batch, params, values };
}

/**
 * One training step as one ONNX model: batch + parameters + optimiser state + step number in;
 * loss, metrics, new parameters and new state out. Built for one batch signature.
 */
export function buildStep(setup: TrainSetup, shapes: BatchShapes, weights: Map<string, Tensor>): StepModel {
  const { config } = setup;
  const { graph: g, loss, batch, params: fed, values } = lossGraph(setup, shapes, weights);
  const typed = inferTypes(g);
  const grads = addGradients(typed, loss, fed);
  const used = fed.filter((p) => grads.get(p) !== undefined);
  const unused = setup.params.map((p) => p.name).filter((p) => !used.includes(p));
  if (!used.length) {
    throw new ModalflowError('MF_TRAIN_NO_GRADIENT', `the objective (${setup.objectives.map((o) => o.tensor).join(' + ')}) does not depend on any trainable weight`, { file: setup.file });
  }
  // Weights the loss does not reach are not fed: an unused graph input would only cost a copy.
  g.inputs.splice(0, g.inputs.length, ...g.inputs.filter((v) => !fed.includes(v.name) || used.includes(v.name)));

  const step = g.addInput(STEP_INPUT, 'float32', []);
  const dims = new Map(setup.params.map((p) => [p.name, p.dims]));
  const state: StateSlot[] = [];
  for (const p of used) {
    for (const s of stateNames(config.optimizer, p)) {
      g.addInput(s, 'float32', dims.get(p)!);
      state.push({ name: s, param: p, dims: [...dims.get(p)!] });
    }
  }
  // Clipping and the update run once over all weights laid end to end: per weight they would be
  // a dozen tiny ops each, and for small models those ops, not the arithmetic, are the cost.
  const sizes = used.map((p) => numel(dims.get(p)!));
  const flat = (names: string[]) => concatChunked(g, names.map((v) => g.op('Reshape', [v, g.constInt64([-1])])));
  const split = (value: string) => splitChunked(g, value, sizes).map((v, k) => g.op('Reshape', [v, g.constInt64(dims.get(used[k]!)!)]));
  const FLAT = '__all__';
  const { grads: [clipped], norm } = g.scope('clip', () => clipByGlobalNorm(g, [flat(used.map((p) => grads.get(p)!))], config.clipNorm));
  const lr = g.scope('schedule', () => learningRate(g, step, config.optimizer.lr, config.schedule));
  const flatState = new Map(stateNames(config.optimizer, FLAT).map((name, k) => [name, g.scope('flatten', () => flat(used.map((p) => stateNames(config.optimizer, p)[k]!)))]));
  const fused = g.scope('optimizer', () =>
    emitUpdates(g, config.optimizer, [{ name: FLAT, value: flat(used), grad: clipped!, dims: [sizes.reduce((a, b) => a + b, 0)] }], lr, step, (s) => flatState.get(s)!),
  );
  const updates = { params: new Map<string, string>(), state: new Map<string, string>() };
  g.scope('unflatten', () => {
    split(fused.params.get(FLAT)!).forEach((v, k) => updates.params.set(used[k]!, v));
    stateNames(config.optimizer, FLAT).forEach((name, j) => {
      split(fused.state.get(name)!).forEach((v, k) => updates.state.set(stateNames(config.optimizer, used[k]!)[j]!, v));
    });
  });
  const prod = producers(g);
  const renamed = new Map<string, string>();
  const out = (value: string, name: string) => g.addOutput(exposeAs(g, prod, value, name, renamed), 'float32');
  g.addOutput(loss, 'float32', []);
  out(norm, 'grad_norm');
  out(lr, 'lr');
  const metrics = ['loss', 'grad_norm', 'lr'];
  for (const o of setup.objectives) {
    if (o.tensor !== loss && !g.outputs.some((x) => x.name === o.tensor)) g.addOutput(values.get(o.tensor)!, 'float32');
    metrics.push(o.tensor);
  }
  for (const p of used) out(updates.params.get(p)!, nextName(p));
  for (const s of state) out(updates.state.get(s.name)!, nextName(s.name));
  return { bytes: encode(g, setup, 'train step'), batch, params: used, state, unused, metrics };
}

/** The forward pass with the same inputs as the step: loss, objectives and the graph's outputs. */
export function buildEval(setup: TrainSetup, shapes: BatchShapes, weights: Map<string, Tensor>): EvalModel {
  const exported = new Set([...setup.objectives.map((o) => o.tensor), ...setup.outputs.map((o) => o.tensor), ...objectiveInputs(setup)]);
  const { g, batch, params, values } = lowerForTraining(setup, 'train_eval', setup.evalNodes, exported, weights, shapes);
  const loss = totalLoss(g, setup, values);
  g.addOutput(loss, 'float32', []);
  const outputs = ['loss'];
  for (const t of exported) {
    if (g.outputs.some((x) => x.name === values.get(t))) continue;
    const v = values.get(t);
    if (v === undefined) continue;
    g.addOutput(v);
    outputs.push(t);
  }
  return { bytes: encode(g, setup, 'evaluation'), batch, params, outputs };
}

/** Zero-filled optimiser state for a fresh run. */
export function initialState(model: StepModel): Map<string, Tensor> {
  return new Map(model.state.map((s) => [s.name, { dtype: 'float32', dims: [...s.dims], data: new Float32Array(numel(s.dims)) } as Tensor]));
}

/** Tensors the objectives read (logits, targets): evaluation reports accuracy from them. */
export function objectiveInputs(setup: TrainSetup): string[] {
  const out: string[] = [];
  for (const o of setup.objectives) {
    const info = setup.analysis.nodes.get(o.node)!;
    for (const port of Object.keys(info.inputs)) {
      const e = setup.analysis.incoming.get(`${o.node}.${port}`);
      if (e && setup.evalNodes.includes(e.from[0])) out.push(`${e.from[0]}.${e.from[1]}`);
    }
  }
  return out;
}

/**
 * WebGPU kernels bind every input and output as a storage buffer, and devices may allow as few
 * as 8 per shader: a Concat or Split over dozens of weights is built as a tree of small ones.
 */
const MAX_FAN = 6;

function concatChunked(g: OnnxGraph, values: string[]): string {
  if (values.length === 1) return values[0]!;
  if (values.length <= MAX_FAN) return g.op('Concat', values, { axis: i(0) });
  const groups: string[] = [];
  for (let k = 0; k < values.length; k += MAX_FAN) groups.push(concatChunked(g, values.slice(k, k + MAX_FAN)));
  return concatChunked(g, groups);
}

function splitChunked(g: OnnxGraph, value: string, sizes: number[]): string[] {
  if (sizes.length === 1) return [value];
  if (sizes.length <= MAX_FAN) return g.opN('Split', [value, g.constInt64(sizes)], sizes.length, { axis: i(0) });
  const per = Math.ceil(sizes.length / MAX_FAN);
  const groups: number[][] = [];
  for (let k = 0; k < sizes.length; k += per) groups.push(sizes.slice(k, k + per));
  const parts = groups.length === 1 ? [value] : splitChunked(g, value, groups.map((s) => s.reduce((a, b) => a + b, 0)));
  return parts.flatMap((part, k) => splitChunked(g, part, groups[k]!));
}
