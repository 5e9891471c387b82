import { describe, expect, it } from 'vitest';
import { ModalflowError, numel, type GraphDoc, type Tensor } from '@modalflow/core';
import { analyzeOrThrow, buildStep, lossGraph, prepareTraining } from '@modalflow/compiler';
import { OnnxGraph, encodeModel } from '@modalflow/onnx';
import { gradCheck, lcg, toDouble } from '@modalflow/autodiff/testing';
import { registry } from './fixtures.ts';

/**
 * Whole-graph float64 gradient checks, one tiny graph per node type that has weights and per
 * loss node: the gradients training takes through every lowering are compared with central
 * differences, so a node whose lowering emits an op with a wrong or missing rule fails here.
 */

/** What feeds one input port: float noise, integer ids below `below`, a 0/1 mask, or boxes in [0, 1]. */
interface Feed {
  shape: number[];
  kind?: 'float' | 'ids' | 'mask' | 'boxes';
  below?: number;
  /** Feed a float port through a layer.linear, so a loss node has weights in front of it. */
  viaLinear?: boolean;
}

interface Case {
  type: string;
  label?: string;
  params?: Record<string, unknown>;
  inputs: Record<string, Feed>;
  /** Weights declared only so checkpoints load, which the computation never reads: they get no gradient. */
  unused?: string[];
}

const B = 2;
const f = (...shape: number[]): Feed => ({ shape });
const lin = (...shape: number[]): Feed => ({ shape, viaLinear: true });
const ids = (below: number, ...shape: number[]): Feed => ({ shape, kind: 'ids', below });
const mask = (...shape: number[]): Feed => ({ shape, kind: 'mask' });
const stack = { layers: 1, dim: 8, heads: 2, mlp_dim: 6 };

const CASES: Case[] = [
  { type: 'encoder.mlp', params: { layers: [5, 3] }, inputs: { x: f(B, 4) } },
  { type: 'pool.temporal', label: 'transformer', params: { ...stack, frames: 2, mode: 'transformer' }, inputs: { x: f(4, 8) } },
  { type: 'encoder.mlp', label: 'layer norm, no bias, gelu', params: { layers: [5, 3], layer_norm: true, bias: false, activation: 'gelu', last_activation: true }, inputs: { x: f(B, 4) } },
  { type: 'encoder.patch_embed', params: { patch: 4, dim: 6, image_size: 8 }, inputs: { pixels: f(B, 3, 8, 8) } },
  { type: 'encoder.patch_embed', label: 'bias, no class token', params: { patch: 4, dim: 6, image_size: 8, bias: true, class_token: false }, inputs: { pixels: f(B, 3, 8, 8) } },
  ...(['lxmert', 'vilbert', 'uniter'] as const).map((variant) => ({
    type: 'encoder.region_embed',
    label: variant,
    params: { variant, dim: 6 },
    // UNITER's mask embedding only acts on the regions `masked` marks.
    inputs: { features: f(B, 3, 5), boxes: { shape: [B, 3, 4], kind: 'boxes' } as Feed, ...(variant === 'uniter' ? { masked: mask(B, 3) } : {}) },
  })),
  { type: 'encoder.token_embed', params: { vocab: 11, dim: 6, max_positions: 8 }, inputs: { ids: ids(11, B, 4) } },
  { type: 'encoder.token_embed', label: 'segments, no layer norm', params: { vocab: 11, dim: 6, max_positions: 8, layer_norm: false }, inputs: { ids: ids(11, B, 4), segments: ids(2, B, 4) } },
  { type: 'encoder.transformer', params: stack, inputs: { x: f(B, 3, 8), mask: mask(B, 3) } },
  { type: 'encoder.transformer', label: 'post-norm, final norm, cross-attention', params: { ...stack, norm: 'post', final_norm: true, cross_from: 0, naming: 'bert' }, inputs: { x: f(B, 3, 8), context: f(B, 2, 5) } },
  { type: 'fusion.additive_attention', params: { dim: 6 }, inputs: { h: f(B, 3, 4), z: f(B, 2, 5), mask: mask(B, 2) } },
  {
    type: 'fusion.co_attention',
    params: { dim: 8, heads: 2, v_ffn: 6, t_ffn: 5 },
    inputs: { v: f(B, 3, 8), t: f(B, 2, 8), v_mask: mask(B, 3) },
    unused: ['q_dense1.weight', 'q_dense1.bias', 'q_dense2.weight', 'q_dense2.bias'].map((w) => `n.biOutput.${w}`),
  },
  { type: 'fusion.co_attention', label: 'without checkpoint-only weights', params: { dim: 8, heads: 2, v_ffn: 6, t_ffn: 5, checkpoint_weights: false, activation: 'relu' }, inputs: { v: f(B, 3, 8), t: f(B, 2, 8) } },
  { type: 'fusion.co_attention', label: 'lxmert, self-attention, no ffn', params: { variant: 'lxmert', dim: 8, heads: 2, ffn: false, self_attention: true }, inputs: { v: f(B, 3, 8), t: f(B, 2, 8) } },
  { type: 'fusion.concat_sequence', inputs: { a: f(B, 2, 4), b: f(B, 3, 4) } },
  { type: 'fusion.cross_attention', params: { heads: 2 }, inputs: { x: f(B, 3, 4), context: f(B, 2, 5), mask: mask(B, 2) } },
  { type: 'fusion.cross_attention', label: 'no residual, no layer norm', params: { heads: 2, dim: 6, residual: false, layer_norm: false }, inputs: { x: f(B, 3, 4), context: f(B, 2, 5) } },
  { type: 'fusion.gated', params: { dim: 3 }, inputs: { a: f(B, 4), b: f(B, 5) } },
  { type: 'fusion.gated', label: 'bias, projected gate', params: { dim: 3, bias: true, gate_input: 'projected' }, inputs: { a: f(B, 4), b: f(B, 5) } },
  { type: 'fusion.hadamard', params: { dim: 6 }, inputs: { a: f(B, 4), b: f(B, 5) } },
  { type: 'fusion.hadamard', label: 'output projection', params: { dim: 6, out: 3 }, inputs: { a: f(B, 4), b: f(B, 5) } },
  { type: 'fusion.low_rank', params: { dim: 3, rank: 2 }, inputs: { a: f(B, 4), b: f(B, 5), c: f(B, 2) } },
  { type: 'fusion.sum', params: { dim: 3, activation: 'tanh' }, inputs: { a: f(B, 4), b: f(B, 5) } },
  { type: 'fusion.sum', label: 'no bias', params: { dim: 3, bias: false }, inputs: { a: f(B, 4), b: f(B, 5) } },
  { type: 'fusion.tensor', params: { dim: 4 }, inputs: { a: f(B, 3), b: f(B, 2) } },
  { type: 'head.classifier', params: { classes: 3 }, inputs: { x: f(B, 4) } },
  ...(['mlp', 'gelu_ln', 'ln_gelu'] as const).map((variant) => ({ type: 'head.classifier', label: variant, params: { classes: 3, variant, hidden: 5 }, inputs: { x: f(B, 4) } })),
  { type: 'head.itm', inputs: { x: f(B, 4) } },
  { type: 'head.masked_lm', params: { vocab: 7 }, inputs: { hidden: f(B, 3, 4) } },
  { type: 'head.masked_lm', label: 'tied table', params: { vocab: 7 }, inputs: { hidden: f(B, 3, 4), table: lin(7, 4) } },
  { type: 'head.pooler', inputs: { hidden: f(B, 3, 4) } },
  { type: 'head.pooler', label: 'output width', params: { out: 5, activation: 'relu' }, inputs: { hidden: f(B, 3, 4) } },
  { type: 'head.region_regression', params: { features: 5 }, inputs: { hidden: f(B, 3, 4) } },
  { type: 'head.region_regression', label: 'several decoders', params: { decoders: 'obj:3,feat:5' }, inputs: { hidden: f(B, 3, 4) } },
  { type: 'head.similarity', params: { embed: 3 }, inputs: { image: f(B, 4), text: f(3, 5) } },
  { type: 'head.similarity', label: 'bias, text unprojected', params: { embed: 4, bias: true, project_text: false }, inputs: { image: f(B, 5), text: f(3, 4) } },
  { type: 'layer.batch_norm', inputs: { x: f(4, 3) } },
  { type: 'layer.layer_norm', inputs: { x: f(B, 4) } },
  { type: 'layer.learned_tokens', params: { count: 2, offset: 1 }, inputs: { x: f(B, 4, 3) } },
  { type: 'layer.linear', params: { out: 3 }, inputs: { x: f(B, 4) } },
  { type: 'layer.linear', label: 'no bias', params: { out: 3, bias: false }, inputs: { x: f(B, 4) } },
  { type: 'layer.maxout', params: { out: 3, pieces: 2 }, inputs: { x: f(B, 4) } },
  { type: 'layer.maxout', label: 'no bias', params: { out: 3, pieces: 3, bias: false }, inputs: { x: f(B, 4) } },
  // Weightless: a linear in front gives the gradient something to reach through the reshape.
  { type: 'layer.reshape', label: 'flatten', inputs: { x: lin(B, 2, 3) } },
  { type: 'layer.reshape', label: 'unflatten', params: { shape: [3, -1] }, inputs: { x: lin(B, 6) } },
  ...(['exact', 'nwgm', 'attention'] as const).map((mode) => ({ type: 'reasoning.causal_intervention', label: mode, params: { classes: 3, confounders: 4, mode, prior: 'learned', embedding: 5 }, inputs: { x: f(B, 4) } })),
  { type: 'reasoning.causal_intervention', label: 'uniform prior', params: { classes: 3, confounders: 4, confounder_dim: 2 }, inputs: { x: f(B, 4) } },
  { type: 'reasoning.lxmert_cross', params: stack, inputs: { lang: f(B, 3, 8), vision: f(B, 2, 8), lang_mask: mask(B, 3) } },
  { type: 'reasoning.relation', params: { g_layers: [5], f_layers: [4], out: 3 }, inputs: { objects: f(B, 3, 4) } },
  { type: 'reasoning.relation', label: 'question', params: { g_layers: [5], f_layers: [4], out: 3 }, inputs: { objects: f(B, 3, 4), question: f(B, 2) } },
  { type: 'reasoning.san', params: { hops: 2, attention: 5 }, inputs: { question: f(B, 4), regions: f(B, 3, 4), mask: mask(B, 3) } },
  { type: 'encoder.transformer', label: 'pre-norm, causal, final norm', params: { ...stack, norm: 'pre', causal: true, final_norm: true }, inputs: { x: f(B, 3, 8) } },
  { type: 'encoder.audio', params: { ...stack, n_mels: 3, max_positions: 4, positions: 'learned' }, inputs: { mel: f(B, 3, 6) } },
  { type: 'encoder.audio', label: 'sinusoidal positions', params: { ...stack, n_mels: 3, max_positions: 4 }, inputs: { mel: f(B, 3, 5) } },
  { type: 'pool.temporal', params: { ...stack, frames: 2, mode: 'transformer', clips: 'C' }, inputs: { x: f(4, 8) } },
  { type: 'decoder.transformer', label: 'pre-norm, tied, cross-attention', params: { vocab: 7, dim: 8, layers: 1, heads: 2, mlp_dim: 6, max_positions: 4 }, inputs: { ids: ids(7, B, 3), memory: f(B, 2, 5) } },
  { type: 'decoder.transformer', label: 'post-norm, lm_head', params: { vocab: 7, dim: 8, layers: 1, heads: 2, mlp_dim: 6, max_positions: 4, norm: 'post', tie_embeddings: false, activation: 'gelu' }, inputs: { ids: ids(7, B, 3) } },
  // Loss nodes: a linear in front of each float input gives them weights to differentiate.
  { type: 'loss.alignment', inputs: { f: lin(B, 3, 4), g: lin(B, 2, 4) } },
  { type: 'loss.alignment', label: 'mean, weights', params: { reduction: 'mean' }, inputs: { f: lin(B, 3, 4), g: lin(B, 2, 4), weights: f(B, 3, 2) } },
  ...(['mean', 'sum', 'batch_mean'] as const).map((reduction) => ({ type: 'loss.bce', label: reduction, params: { reduction }, inputs: { logits: lin(B, 3), targets: { shape: [B, 3], kind: 'mask' } as Feed } })),
  { type: 'loss.contrastive', params: { scale: 2 }, inputs: { logits: lin(3, 3) } },
  { type: 'loss.cross_entropy', inputs: { logits: lin(B, 4), targets: ids(4, B) } },
  { type: 'loss.cross_entropy', label: 'label smoothing, ignored rows', params: { label_smoothing: 0.1, ignore_index: 3 }, inputs: { logits: lin(3, 4), targets: ids(4, 3) } },
  { type: 'loss.distillation', inputs: { student: lin(B, 4), teacher: lin(B, 4), targets: ids(4, B) } },
  { type: 'loss.distillation', label: 'teacher probs', params: { teacher_input: 'probs', alpha: 1 }, inputs: { student: lin(B, 4), teacher: { shape: [B, 4], kind: 'mask' } } },
  { type: 'loss.policy_gradient', inputs: { logits: lin(3, 4), targets: ids(4, 3) } },
  { type: 'loss.policy_gradient', label: 'no baseline, salt', params: { baseline: 'none', seed: 2, reward_wrong: -1 }, inputs: { logits: lin(3, 4), targets: ids(4, 3), salt: ids(9, 3, 2) } },
  ...(['mse', 'l1', 'smooth_l1'] as const).map((kind) => ({ type: 'loss.reconstruction', label: kind, params: { kind, beta: 0.5 }, inputs: { prediction: lin(B, 3), target: f(B, 3) } })),
  { type: 'loss.reconstruction', label: 'masked rows', inputs: { prediction: lin(B, 3, 2), target: f(B, 3, 2), mask: mask(B, 3) } },
];

/**
 * Node types left out of the numeric check, with why; each must fail training with
 * MF_GRAD_NO_RULE naming the op with no rule and the node it came from. (model.onnx, whose
 * weights live in the model file it imports, is checked at the end: training refuses it.)
 */
const NO_GRADIENT: { case: Case; op: string; why: string }[] = [
  { case: { type: 'encoder.lstm', params: { hidden: 3 }, inputs: { x: f(B, 3, 4) } }, op: 'LSTM', why: 'lowers to the ONNX LSTM op, which has no gradient rule' },
];

const NODE_ID = 'n';

function feedTensor(feed: Feed, seed: number): Tensor {
  const rand = lcg(seed);
  const n = numel(feed.shape);
  const dims = [...feed.shape];
  switch (feed.kind ?? 'float') {
    case 'ids':
      return { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, () => BigInt(Math.floor(((rand() + 1) / 2) * feed.below!))) };
    case 'mask':
      // Keeps the first entry so no row is empty, drops some of the rest.
      return { dtype: 'float32', dims, data: Float32Array.from({ length: n }, (_, k) => (k % dims.at(-1)! === 0 || rand() > -0.3 ? 1 : 0)) };
    case 'boxes':
      return { dtype: 'float32', dims, data: Float32Array.from({ length: n }, () => (rand() + 1) / 2) };
    default:
      return { dtype: 'float32', dims, data: Float32Array.from({ length: n }, () => rand()) };
  }
}

const node = (id: string, type: string, params: Record<string, unknown> = {}, objective?: number) => ({ id, type, typeVersion: 1, params, ...(objective !== undefined ? { objective } : {}) });
const edge = (from: string, to: string) => ({ from: from.split('.') as [string, string], to: to.split('.') as [string, string] });
const shapeParam = (dims: number[]) => dims.join(', ');

/**
 * The node fed by input.tensor nodes; a loss node is the objective itself, any other node gets
 * an MSE loss against a fixed target on each float output. Returns the document and its feeds.
 */
function buildCase(c: Case): { doc: GraphDoc; feeds: Record<string, Tensor> } {
  const def = registry.get(c.type)!;
  const isLoss = def.category === 'losses';
  const nodes: GraphDoc['nodes'] = [];
  const edges: GraphDoc['edges'] = [];
  const feeds: Record<string, Tensor> = {};
  let seed = 11;
  const input = (id: string, t: Tensor) => {
    nodes.push(node(id, 'input.tensor', { dtype: t.dtype, shape: shapeParam(t.dims) }));
    feeds[`${id}.value`] = t;
  };
  for (const [port, feed] of Object.entries(c.inputs)) {
    if (feed.viaLinear) {
      const inWidth = 3;
      input(`in_${port}`, feedTensor({ shape: [...feed.shape.slice(0, -1), inWidth] }, seed++));
      nodes.push(node(`lin_${port}`, 'layer.linear', { out: feed.shape.at(-1)! }));
      edges.push(edge(`in_${port}.value`, `lin_${port}.x`), edge(`lin_${port}.y`, `${NODE_ID}.${port}`));
    } else {
      input(`in_${port}`, feedTensor(feed, seed++));
      edges.push(edge(`in_${port}.value`, `${NODE_ID}.${port}`));
    }
  }
  nodes.push(node(NODE_ID, c.type, c.params ?? {}, isLoss ? 1 : undefined));
  const doc: GraphDoc = { format: 'modalflow.graph', version: 1, meta: { title: c.type }, seed: 5, nodes, edges };
  if (!isLoss) {
    const info = analyzeOrThrow(doc, registry).nodes.get(NODE_ID)!;
    for (const [port, dims] of Object.entries(info.outputShapes)) {
      if (info.outputDtypes[port] !== 'float32' || dims.length === 0) continue;
      const concrete = dims as number[];
      input(`target_${port}`, feedTensor({ shape: concrete }, seed++));
      nodes.push(node(`loss_${port}`, 'loss.reconstruction', {}, 1));
      edges.push(edge(`${NODE_ID}.${port}`, `loss_${port}.prediction`), edge(`target_${port}.value`, `loss_${port}.target`));
    }
  }
  return { doc, feeds };
}

const train = { optimizer: { kind: 'sgd' as const, lr: 0.1 } };
const f64 = (t: Tensor): Tensor => (t.dtype === 'float32' ? { dtype: 'float64', dims: [...t.dims], data: Float64Array.from(t.data as Float32Array) } : t);
const nameOf = (c: Case) => (c.label ? `${c.type} (${c.label})` : c.type);

describe('every weighted node and loss node trains with correct gradients', () => {
  it('the cases cover every node type with weights and every loss node', () => {
    const covered = new Set([...CASES, ...NO_GRADIENT.map((x) => x.case)].map((c) => c.type));
    covered.add('model.onnx'); // below: its weights live in the model file it imports, frozen unless unfrozen
    const needed = registry
      .list()
      .filter((d) => d.category === 'losses' || d.weights || d.model)
      .map((d) => d.type);
    expect(needed.filter((t) => !covered.has(t))).toEqual([]);
  });

  it.each(CASES.map((c) => [nameOf(c), c] as const))('%s', async (_name, c) => {
    const { doc, feeds } = buildCase(c);
    const setup = prepareTraining(doc, registry, { train });
    const own = setup.params.filter((p) => p.node === NODE_ID || c.type.startsWith('loss.') || p.node.startsWith('lin_'));
    expect(own.length).toBeGreaterThan(0);
    const shapes = Object.fromEntries(setup.boundary.map((b) => [b.tensor, [...feeds[b.tensor]!.dims]]));
    const { graph, loss, params } = lossGraph(setup, shapes, setup.initial);
    toDouble(graph);
    const all: Record<string, Tensor> = {};
    for (const b of setup.boundary) all[b.tensor] = f64(feeds[b.tensor]!);
    for (const p of params) all[p] = f64(setup.initial.get(p)!);
    // Some true gradients are exactly 0 (a key bias under softmax's shift invariance), where
    // central differences leave ~1e-10 of round-off: compared absolutely below 1e-5.
    const r = await gradCheck(graph, loss, all, params, { samples: 4, h: 1e-5, floor: 1e-5 });
    // Every trainable weight but the declared-only ones reaches the loss, so each must get a gradient.
    expect(setup.params.map((p) => p.name).filter((p) => !r.grads[p])).toEqual(c.unused ?? []);
    expect(r.perInput, `worst relative error ${r.worst}`).toSatisfy((e: Record<string, number>) => Object.values(e).every((v) => v < 1e-3));
  });

  it.each(NO_GRADIENT.map((x) => [nameOf(x.case), x] as const))('%s fails training with MF_GRAD_NO_RULE', (_name, x) => {
    const { doc, feeds } = buildCase(x.case);
    const setup = prepareTraining(doc, registry, { train });
    const shapes = Object.fromEntries(setup.boundary.map((b) => [b.tensor, [...feeds[b.tensor]!.dims]]));
    let err: unknown;
    try {
      buildStep(setup, shapes, setup.initial);
    } catch (e) {
      err = e;
    }
    expect(err, x.why).toBeInstanceOf(ModalflowError);
    const e = err as ModalflowError;
    expect(e.code).toBe('MF_GRAD_NO_RULE');
    expect(e.at.node).toBe(NODE_ID);
    expect(e.message).toContain(`${x.op} "${NODE_ID}/`);
    expect(e.message).toContain('no gradient rule');
  });

  it('model.onnx: gradients flow through the imported model into the weights before it, and into its own once unfrozen', async () => {
    // Y = X W + c, with W and c initializers of the file: the model's own weights.
    const net = new OnnxGraph('net');
    net.addInput('X', 'float32', [2, 4]);
    net.addInitializer('W', { dtype: 'float32', dims: [4, 3], data: Float32Array.from({ length: 12 }, (_, k) => Math.sin(k + 1)) });
    net.addInitializer('c', { dtype: 'float32', dims: [3], data: Float32Array.of(0.1, -0.2, 0.3) });
    net.addOutput(net.op('Add', [net.op('MatMul', ['X', 'W']), 'c'], {}, { outputName: 'Y' }), 'float32', [2, 3]);
    const bytes = encodeModel(net);
    const doc: GraphDoc = {
      format: 'modalflow.graph',
      version: 1,
      meta: { title: 'imported' },
      seed: 1,
      nodes: [
        node('x', 'input.tensor', { shape: '2, 4' }),
        node('t', 'input.tensor', { shape: '2, 3' }),
        node('pre', 'layer.linear', { out: 4 }),
        node('m', 'model.onnx', { model: 'net' }),
        node('loss', 'loss.reconstruction', {}, 1),
      ],
      edges: [edge('x.value', 'pre.x'), edge('pre.y', 'm.X'), edge('m.Y', 'loss.prediction'), edge('t.value', 'loss.target')],
      assets: { net: { uri: 'net.onnx' } },
    };
    const asset = (name: string) => (name === 'net' ? { name, uri: 'net.onnx', bytes } : undefined);
    const rand = lcg(3);
    const feeds: Record<string, Tensor> = {
      'x.value': { dtype: 'float64', dims: [2, 4], data: Float64Array.from({ length: 8 }, rand) },
      't.value': { dtype: 'float64', dims: [2, 3], data: Float64Array.from({ length: 6 }, rand) },
    };
    const shapes = { 'x.value': [2, 4], 't.value': [2, 3] };
    for (const [unfreeze, trained] of [[[], ['pre.weight', 'pre.bias']], [['m.*'], ['pre.weight', 'pre.bias', 'm.W', 'm.c']]] as const) {
      const setup = prepareTraining(doc, registry, { train: { ...train, unfreeze: [...unfreeze] }, asset });
      expect(setup.params.map((p) => p.name).sort()).toEqual([...trained].sort());
      const { graph, loss, params } = lossGraph(setup, shapes, setup.initial);
      toDouble(graph);
      const all = { ...feeds };
      for (const p of params) all[p] = { dtype: 'float64', dims: setup.initial.get(p)!.dims, data: Float64Array.from(setup.initial.get(p)!.data as Float32Array) };
      const r = await gradCheck(graph, loss, all, params, { samples: 6, h: 1e-5, floor: 1e-5 });
      expect(r.worst, JSON.stringify(r.perInput)).toBeLessThan(1e-6);
      for (const p of params) expect(r.grads[p], p).toBeDefined();
    }
  });

  it('model.onnx with an opset the IR does not read is refused with MF_TRAIN_IMPORTED_OPSET naming the node', () => {
    const net = new OnnxGraph('net');
    net.addInput('X', 'float32', [2, 4]);
    net.addOutput(net.op('Relu', ['X'], {}, { outputName: 'Y' }), 'float32', [2, 4]);
    const bytes = encodeModel(net, { opset: 11 });
    const doc: GraphDoc = {
      format: 'modalflow.graph', version: 1, meta: {}, seed: 1,
      nodes: [node('x', 'input.tensor', { shape: '2, 4' }), node('t', 'input.tensor', { shape: '2, 4' }), node('pre', 'layer.linear', { out: 4 }), node('m', 'model.onnx', { model: 'net' }), node('loss', 'loss.reconstruction', {}, 1)],
      edges: [edge('x.value', 'pre.x'), edge('pre.y', 'm.X'), edge('m.Y', 'loss.prediction'), edge('t.value', 'loss.target')],
      assets: { net: { uri: 'net.onnx' } },
    };
    const asset = (name: string) => (name === 'net' ? { name, uri: 'net.onnx', bytes } : undefined);
    let err: unknown;
    try {
      prepareTraining(doc, registry, { train, asset });
    } catch (e) {
      err = e;
    }
    expect((err as ModalflowError).code).toBe('MF_TRAIN_IMPORTED_OPSET');
    expect((err as ModalflowError).at.node).toBe('m');
  });
});
