import { ModalflowError, numel, type Tensor } from '@modalflow/core';
import { addGradients, inferTypes } from '@modalflow/autodiff';
import { encodeModel, type OnnxGraph, type OnnxNode } from '@modalflow/onnx';
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
  const { grads: clipped, norm } = g.scope('clip', () => clipByGlobalNorm(g, used.map((p) => grads.get(p)!), config.clipNorm));
  const lr = g.scope('schedule', () => learningRate(g, step, config.optimizer.lr, config.schedule));
  const dims = new Map(setup.params.map((p) => [p.name, p.dims]));
  const state: StateSlot[] = [];
  for (const p of used) {
    for (const s of stateNames(config.optimizer, p)) {
      g.addInput(s, 'float32', dims.get(p)!);
      state.push({ name: s, param: p, dims: [...dims.get(p)!] });
    }
  }
  const updates = g.scope('optimizer', () =>
    emitUpdates(g, config.optimizer, used.map((p, k) => ({ name: p, value: p, grad: clipped[k]!, dims: dims.get(p)! })), lr, step, (s) => s),
  );
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
