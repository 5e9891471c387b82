import {
  NodeError,
  bool,
  choice,
  float,
  int,
  linearBound,
  tensor,
  type Dim,
  type ParamValues,
  type Shape,
  type ShapeContext,
  type WeightSpec,
} from '@modalflow/core';
import type { OnnxGraph } from './lowering.ts';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, layerNorm, linear, type Activation } from './ops.ts';
import { attentionFlops, attentionWeightSpecs, multiHeadAttention } from './attention.ts';

/**
 * Transformer encoder layers shared by the encoder and reasoning nodes.
 *
 *   post-norm (BERT, LXMERT, UNITER):  x = LN(x + SA(x));  [x = LN(x + CA(x, c));]  x = LN(x + FFN(x))
 *   pre-norm  (CLIP, ViT, ViLT):       x = x + SA(LN(x));  [x = x + CA(LN(x), c);]  x = x + FFN(LN(x))
 *   FFN(h) = fc2(act(fc1(h)))
 *
 * The optional cross-attention sublayer sits between self-attention and the FFN, as in ALBEF's
 * fusion layers and LXMERT. Weight names follow Hugging Face CLIP encoder layers
 * (`self_attn.{q,k,v,out}_proj`, `layer_norm1`, `mlp.fc1`, `mlp.fc2`, `layer_norm2`); the
 * cross-attention sublayer, which CLIP lacks, is `cross_attn.*` with its norm `layer_norm_cross`.
 * A stack can name its weights as BERT does instead (`layerWeightName`), so BERT-family
 * checkpoints map on by renaming a prefix.
 */

export type NormPlacement = 'pre' | 'post';
export const NORM_PLACEMENTS = ['pre', 'post'] as const;

export interface LayerConfig {
  dim: number;
  heads: number;
  mlpDim: number;
  activation: Activation;
  norm: NormPlacement;
  eps: number;
  causal?: boolean;
  /** Width of the sequence the cross-attention sublayer reads; undefined leaves it out. */
  crossDim?: number;
}

export function layerNormSpecs(prefix: string, dim: number): Record<string, WeightSpec> {
  return {
    [`${prefix}weight`]: { shape: [dim], init: { kind: 'ones' } },
    [`${prefix}bias`]: { shape: [dim], init: { kind: 'zeros' } },
  };
}

/** torch.nn.Linear(inp, out): weight [out, inp] and bias [out], both uniform(±1/sqrt(inp)). */
export function linearSpecs(prefix: string, out: number, inp: number, bias = true): Record<string, WeightSpec> {
  const bound = linearBound(inp);
  return {
    [`${prefix}weight`]: { shape: [out, inp], init: { kind: 'uniform', bound } },
    ...(bias ? { [`${prefix}bias`]: { shape: [out], init: { kind: 'uniform', bound } } } : {}),
  };
}

/** Weights of one layer under `prefix` (e.g. `layers.3.`), in Hugging Face state_dict order. */
export function transformerLayerSpecs(prefix: string, c: LayerConfig): Record<string, WeightSpec> {
  return {
    ...attentionWeightSpecs(`${prefix}self_attn.`, c.dim, c.dim, c.dim),
    ...layerNormSpecs(`${prefix}layer_norm1.`, c.dim),
    ...(c.crossDim !== undefined
      ? {
          ...attentionWeightSpecs(`${prefix}cross_attn.`, c.dim, c.crossDim, c.dim),
          ...layerNormSpecs(`${prefix}layer_norm_cross.`, c.dim),
        }
      : {}),
    ...linearSpecs(`${prefix}mlp.fc1.`, c.mlpDim, c.dim),
    ...linearSpecs(`${prefix}mlp.fc2.`, c.dim, c.mlpDim),
    ...layerNormSpecs(`${prefix}layer_norm2.`, c.dim),
  };
}

/** A residual sublayer with its norm placed before (pre) or after (post) the residual sum. */
export function residual(
  g: OnnxGraph,
  x: string,
  w: Record<string, string>,
  norm: string,
  placement: NormPlacement,
  eps: number,
  body: (h: string) => string,
): string {
  const ln = (v: string) => layerNorm(g, v, w[`${norm}weight`]!, w[`${norm}bias`]!, eps);
  return placement === 'pre' ? g.op('Add', [x, body(ln(x))]) : ln(g.op('Add', [x, body(x)]));
}

export function feedForward(g: OnnxGraph, h: string, w: Record<string, string>, fc1: string, fc2: string, act: Activation): string {
  const inner = activation(g, linear(g, h, w[`${fc1}weight`]!, w[`${fc1}bias`]), act);
  return linear(g, inner, w[`${fc2}weight`]!, w[`${fc2}bias`]);
}

export interface LayerInputs {
  /** Key padding mask [B, T] of x: 1 keeps a key, 0 hides it. */
  mask?: string;
  /** The sequence the cross-attention sublayer reads, [B, Tc, crossDim]. */
  context?: string;
  contextMask?: string;
}

export interface LayerOutputs {
  y: string;
  /** Self-attention weights [B, H, T, T]. */
  attn: string;
  /** Cross-attention weights [B, H, T, Tc], when the layer has that sublayer. */
  crossAttn?: string;
}

export function transformerLayer(
  g: OnnxGraph,
  w: Record<string, string>,
  prefix: string,
  c: LayerConfig,
  x: string,
  inputs: LayerInputs = {},
): LayerOutputs {
  let attn = '';
  let y = residual(g, x, w, `${prefix}layer_norm1.`, c.norm, c.eps, (h) => {
    const r = multiHeadAttention(g, {
      query: h, context: h, dim: c.dim, heads: c.heads, w, prefix: `${prefix}self_attn.`,
      keyMask: inputs.mask, causal: c.causal,
    });
    attn = r.weights;
    return r.out;
  });
  let crossAttn: string | undefined;
  if (c.crossDim !== undefined) {
    if (!inputs.context) throw new Error('a layer with cross-attention needs a context sequence');
    y = residual(g, y, w, `${prefix}layer_norm_cross.`, c.norm, c.eps, (h) => {
      const r = multiHeadAttention(g, {
        query: h, context: inputs.context!, dim: c.dim, heads: c.heads, w, prefix: `${prefix}cross_attn.`,
        keyMask: inputs.contextMask,
      });
      crossAttn = r.weights;
      return r.out;
    });
  }
  y = residual(g, y, w, `${prefix}layer_norm2.`, c.norm, c.eps, (h) =>
    feedForward(g, h, w, `${prefix}mlp.fc1.`, `${prefix}mlp.fc2.`, c.activation),
  );
  return crossAttn === undefined ? { y, attn } : { y, attn, crossAttn };
}

export function layerNormFlops(rows: number, dim: number): number {
  return 8 * rows * dim;
}

/** FLOPs of the FFN over `rows` vectors: two matmuls, biases, the activation. */
export function feedForwardFlops(rows: number, dim: number, mlpDim: number, act: Activation): number {
  return rows * (2 * dim * mlpDim + mlpDim + mlpDim * ACTIVATION_FLOPS[act] + 2 * mlpDim * dim + dim);
}

/** FLOPs of one layer over a [batch, t, dim] sequence (context of length tc when it cross-attends). */
export function transformerLayerFlops(size: (d: Dim) => number, batch: Dim, t: Dim, c: LayerConfig, tc?: Dim): number {
  const rows = size(batch) * size(t);
  let total = attentionFlops(size, batch, t, t, c.dim, c.dim, c.dim, c.heads) + layerNormFlops(rows, c.dim) + rows * c.dim;
  if (c.crossDim !== undefined) {
    total += attentionFlops(size, batch, t, tc ?? t, c.dim, c.crossDim, c.dim, c.heads) + layerNormFlops(rows, c.dim) + rows * c.dim;
  }
  return total + feedForwardFlops(rows, c.dim, c.mlpDim, c.activation) + layerNormFlops(rows, c.dim) + rows * c.dim;
}

/*
 * Hugging Face BERT-family models (BERT, LXMERT, ViLBERT, UNITER) name an attention block's
 * projections `query`/`key`/`value` and put the output projection in a sibling module's
 * `dense`. These map those names onto the `q_proj`/`k_proj`/`v_proj`/`out_proj` that
 * lib/attention.ts reads, so BERT-named checkpoints load by renaming a prefix only.
 */
const BERT_NAMES: Record<string, string> = { q_proj: 'query', k_proj: 'key', v_proj: 'value' };

function bertName(name: string, att: string, out: string): string {
  const [proj, leaf] = name.split('.') as [string, string];
  return proj === 'out_proj' ? `${out}dense.${leaf}` : `${att}${BERT_NAMES[proj]}.${leaf}`;
}

/** Attention weights named `${att}{query,key,value}` and `${out}dense`. */
export function bertAttentionSpecs(att: string, out: string, dQuery: number, dContext: number, dim: number): Record<string, WeightSpec> {
  return Object.fromEntries(
    Object.entries(attentionWeightSpecs('', dQuery, dContext, dim)).map(([name, spec]) => [bertName(name, att, out), spec]),
  );
}

/** The initializers of a BERT-named attention block, keyed as multiHeadAttention expects (prefix ''). */
export function bertAttentionView(w: Record<string, string>, att: string, out: string): Record<string, string> {
  const view: Record<string, string> = {};
  for (const proj of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) {
    for (const leaf of ['weight', 'bias']) {
      const name = w[bertName(`${proj}.${leaf}`, att, out)];
      if (name !== undefined) view[`${proj}.${leaf}`] = name;
    }
  }
  return view;
}

/* ---- a whole stack, as used by encoder.transformer (also as single-stream fusion) ---- */

export const STACK_NAMINGS = ['clip', 'bert'] as const;
export type StackNaming = (typeof STACK_NAMINGS)[number];

/*
 * BERT-family names of a layer's weights (Hugging Face BertLayer; the cross-attention sublayer
 * as ALBEF's xbert `crossattention`), keyed by the CLIP names the lowering reads. The state_dict
 * order is the same under both namings: self-attention, its norm, cross-attention, its norm,
 * FFN, its norm.
 */
const BERT_LAYER_NAMES: Record<string, string> = {
  'self_attn.q_proj.': 'attention.self.query.',
  'self_attn.k_proj.': 'attention.self.key.',
  'self_attn.v_proj.': 'attention.self.value.',
  'self_attn.out_proj.': 'attention.output.dense.',
  'layer_norm1.': 'attention.output.LayerNorm.',
  'cross_attn.q_proj.': 'crossattention.self.query.',
  'cross_attn.k_proj.': 'crossattention.self.key.',
  'cross_attn.v_proj.': 'crossattention.self.value.',
  'cross_attn.out_proj.': 'crossattention.output.dense.',
  'layer_norm_cross.': 'crossattention.output.LayerNorm.',
  'mlp.fc1.': 'intermediate.dense.',
  'mlp.fc2.': 'output.dense.',
  'layer_norm2.': 'output.LayerNorm.',
};

/**
 * The checkpoint name of a layer weight given by its CLIP-style name inside layer `index`
 * (`self_attn.q_proj.weight`): `layers.{index}.self_attn.q_proj.weight` (clip) or
 * `layer.{index}.attention.self.query.weight` (bert).
 */
export function layerWeightName(naming: StackNaming, index: number, name: string): string {
  if (naming === 'clip') return `layers.${index}.${name}`;
  const dot = name.lastIndexOf('.');
  const module = name.slice(0, dot + 1);
  const bert = BERT_LAYER_NAMES[module];
  if (bert === undefined) throw new Error(`no BERT name for layer weight "${name}"`);
  return `layer.${index}.${bert}${name.slice(dot + 1)}`;
}

export interface StackDefaults {
  layers: number;
  dim: number;
  heads: number;
  activation: Activation;
  norm: NormPlacement;
  eps: number;
  pre_norm: boolean;
  final_norm: boolean;
}

export function stackParams(d: StackDefaults) {
  return {
    layers: int({ default: d.layers, min: 1, max: 128, description: 'Number of transformer layers' }),
    dim: int({ default: d.dim, min: 1, description: 'Model width (last axis of x)' }),
    heads: int({ default: d.heads, min: 1, description: 'Attention heads; must divide dim' }),
    mlp_ratio: float({ default: 4, min: 0, max: 64, description: 'FFN hidden width as a multiple of dim (used when mlp_dim is 0)' }),
    mlp_dim: int({ default: 0, min: 0, description: 'FFN hidden width; 0 means mlp_ratio × dim' }),
    activation: choice(ACTIVATIONS, { default: d.activation, description: 'FFN activation (CLIP: quick_gelu; BERT, ViT, ViLT: gelu)' }),
    norm: choice(NORM_PLACEMENTS, { default: d.norm, description: 'LayerNorm before each sublayer (pre: CLIP, ViT, ViLT) or after the residual sum (post: BERT, UNITER)' }),
    eps: float({ default: d.eps, min: 0, max: 1, description: 'LayerNorm epsilon' }),
    causal: bool({ default: false, description: 'Each token sees only itself and earlier tokens (CLIP text)' }),
    pre_norm: bool({ default: d.pre_norm, description: 'LayerNorm before the first layer (`pre_layrnorm`, as CLIP vision)' }),
    final_norm: bool({ default: d.final_norm, description: 'LayerNorm after the last layer (`final_layer_norm`, as CLIP text and ViLT)' }),
    cross_from: int({
      default: -1, min: -1,
      description: 'First layer (counted from 0 in this node) that adds a cross-attention sublayer over `context` between self-attention and FFN; every later layer has one too. -1 = none (ALBEF fusion layers: 0)',
    }),
    naming: choice(STACK_NAMINGS, {
      default: 'clip',
      description: 'Weight names: clip = `layers.{i}.self_attn.q_proj`, `mlp.fc1` (Hugging Face CLIP); bert = `layer.{i}.attention.self.query`, `crossattention.*`, `intermediate.dense` (BERT, UNITER, ALBEF)',
    }),
    layer_offset: int({
      default: 0, min: 0,
      description: 'Added to the layer number in weight names, so a stack split over two nodes keeps the checkpoint numbering (ALBEF fusion layers are BERT layers 6-11: offset 6)',
    }),
  };
}

export type StackParams = ParamValues<ReturnType<typeof stackParams>>;

export function mlpWidth(p: Pick<StackParams, 'dim' | 'mlp_dim' | 'mlp_ratio'>): number {
  return p.mlp_dim > 0 ? p.mlp_dim : Math.round(p.mlp_ratio * p.dim);
}

export function stackLayerConfig(p: StackParams): LayerConfig {
  return { dim: p.dim, heads: p.heads, mlpDim: mlpWidth(p), activation: p.activation, norm: p.norm, eps: p.eps, causal: p.causal };
}

/** Whether layer k (0-based, within the node) has the cross-attention sublayer. */
export function crossAttends(p: Pick<StackParams, 'cross_from'>, k: number): boolean {
  return p.cross_from >= 0 && k >= p.cross_from;
}

function crossLayerCount(p: Pick<StackParams, 'cross_from' | 'layers'>): number {
  return p.cross_from >= 0 ? Math.max(0, p.layers - p.cross_from) : 0;
}

function layerConfigAt(p: StackParams, k: number, crossDim: number | undefined): LayerConfig {
  const c = stackLayerConfig(p);
  return crossAttends(p, k) && crossDim !== undefined ? { ...c, crossDim } : c;
}

/**
 * Output shapes of a stack over x [B, T, dim] (and context [B, Tc, Dc] when layers cross-attend);
 * rejects widths the heads cannot split and a context that is missing or would go unread.
 */
export function stackInfer(ctx: ShapeContext<StackParams>, input = 'x'): { y: Shape; attn: Shape; cross_attn: Shape } {
  const { params: p } = ctx;
  if (p.dim % p.heads !== 0) throw new NodeError(`dim ${p.dim} is not divisible by ${p.heads} heads`, { param: 'heads' });
  if (mlpWidth(p) < 1) throw new NodeError(`the FFN width is ${mlpWidth(p)}; set mlp_dim or a larger mlp_ratio`, { param: 'mlp_ratio' });
  const x = ctx.inputs[input]!;
  const [b, t] = [x[0]!, x[1]!];
  const context = ctx.inputs['context'];
  const crossing = crossLayerCount(p);
  if (crossing > 0 && !context) {
    const which = crossing === 1 ? `layer ${p.cross_from}` : `layers ${p.cross_from}-${p.layers - 1}`;
    throw new NodeError(`${which} cross-attend (cross_from = ${p.cross_from}), so "context" must be connected`, { port: 'context' });
  }
  if (crossing === 0 && context) {
    const why = p.cross_from < 0 ? 'cross_from is -1' : `cross_from ${p.cross_from} is past the last of ${p.layers} layers`;
    throw new NodeError(`"context" is connected but no layer cross-attends (${why}); set cross_from to the first layer that should read it`, { port: 'context' });
  }
  if (!context && ctx.inputs['context_mask']) {
    throw new NodeError('"context_mask" is connected without "context"', { port: 'context_mask' });
  }
  const tc: Dim = context ? context[1]! : 0;
  return { y: [b, t, p.dim], attn: [b, p.heads, t, t], cross_attn: [b, p.heads, t, tc] };
}

export function stackWeightSpecs(p: StackParams, crossDim?: number): Record<string, WeightSpec> {
  const out: Record<string, WeightSpec> = {};
  if (p.pre_norm) Object.assign(out, layerNormSpecs('pre_layrnorm.', p.dim));
  for (let k = 0; k < p.layers; k++) {
    for (const [name, spec] of Object.entries(transformerLayerSpecs('', layerConfigAt(p, k, crossDim)))) {
      out[layerWeightName(p.naming, k + p.layer_offset, name)] = spec;
    }
  }
  if (p.final_norm) Object.assign(out, layerNormSpecs('final_layer_norm.', p.dim));
  return out;
}

export function stackFlops(size: (d: Dim) => number, x: Shape, p: StackParams, context?: Shape): number {
  const [b, t] = [x[0]!, x[1]!];
  const rows = size(b) * size(t);
  const norms = (p.pre_norm ? 1 : 0) + (p.final_norm ? 1 : 0);
  const crossDim = context ? size(context[2]!) : undefined;
  let total = norms * layerNormFlops(rows, p.dim);
  for (let k = 0; k < p.layers; k++) total += transformerLayerFlops(size, b, t, layerConfigAt(p, k, crossDim), context?.[1]);
  return total;
}

export interface StackInputs {
  /** Key padding mask of x [B, T]. */
  mask?: string;
  /** The sequence the cross-attending layers read [B, Tc, Dc], and its key padding mask. */
  context?: string;
  contextMask?: string;
  /** Width of context, required when layers cross-attend. */
  crossDim?: number;
}

export function lowerStack(
  g: OnnxGraph,
  w: Record<string, string>,
  p: StackParams,
  x: string,
  inputs: StackInputs = {},
): { y: string; attn: string; cross_attn: string } {
  let h = x;
  if (p.pre_norm) h = layerNorm(g, h, w['pre_layrnorm.weight']!, w['pre_layrnorm.bias']!, p.eps);
  let attn = '';
  let crossAttn: string | undefined;
  for (let k = 0; k < p.layers; k++) {
    const c = layerConfigAt(p, k, inputs.crossDim);
    if (crossAttends(p, k) && c.crossDim === undefined) throw new Error(`layer ${k} cross-attends but the width of context is unknown`);
    // The layer code reads CLIP names without a prefix; point them at this naming's initializers.
    const view: Record<string, string> = {};
    for (const name of Object.keys(transformerLayerSpecs('', c))) view[name] = w[layerWeightName(p.naming, k + p.layer_offset, name)]!;
    const r = g.scope(`layers.${k}`, () =>
      transformerLayer(g, view, '', c, h, { mask: inputs.mask, context: inputs.context, contextMask: inputs.contextMask }),
    );
    h = r.y;
    attn = r.attn;
    if (r.crossAttn !== undefined) crossAttn = r.crossAttn;
  }
  if (p.final_norm) h = layerNorm(g, h, w['final_layer_norm.weight']!, w['final_layer_norm.bias']!, p.eps);
  // Without cross-attention the port still needs a value: an empty [B, heads, T, 0].
  const cross = crossAttn ?? g.op('Slice', [attn, g.constInt64([0]), g.constInt64([0]), g.constInt64([3])]);
  return { y: h, attn, cross_attn: cross };
}

/** The optional cross-attention inputs of a stack node. */
export function stackContextPorts() {
  return {
    context: tensor('float32', ['B', 'Tc', 'Dc'], {
      optional: true,
      description: 'Sequence the cross-attending layers read [B, Tc, Dc] (ALBEF: the image tokens); needs cross_from >= 0',
    }),
    context_mask: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], ['B', 'Tc'], {
      optional: true,
      description: 'Key padding mask of context [B, Tc]: 1 keeps a token, 0 hides it',
    }),
  };
}

export const crossAttnPort = () =>
  tensor('float32', ['B', 'heads', 'T', 'Tc'], {
    description: "Last layer's cross-attention weights over context [B, heads, T, Tc] (rows sum to 1); empty (Tc = 0) when no layer cross-attends",
  });

/** lowerStack for a node whose ports are x, mask, context and context_mask. */
export function lowerStackNode(
  g: OnnxGraph,
  w: Record<string, string>,
  p: StackParams,
  x: Record<string, string | undefined>,
  inputs: Record<string, Shape | undefined>,
  input = 'x',
): { y: string; attn: string; cross_attn: string } {
  const context = inputs['context'];
  const crossDim = context && typeof context[2] === 'number' ? context[2] : undefined;
  return lowerStack(g, w, p, x[input]!, { mask: x['mask'], context: x['context'], contextMask: x['context_mask'], crossDim });
}

/** Weight specs of a stack node; the width of context must be known when layers cross-attend. */
export function stackNodeWeights(p: StackParams, inputs: Record<string, Shape | undefined>, need: (d: Dim | undefined, what: string) => number) {
  const context = inputs['context'];
  return stackWeightSpecs(p, context && crossLayerCount(p) > 0 ? need(context[2], 'the width of context') : undefined);
}
