import type { WeightInit, WeightSpec } from '@modalflow/core';
import type { OnnxGraph } from './lowering.ts';
import { activation, layerNorm, linear, type Activation } from './ops.ts';

/**
 * BERT-family modules (Hugging Face `_init_weights`) draw Linear weights from N(0, 0.02²);
 * seeded weights are uniform with the same variance, so the bound is 0.02·√3.
 */
export const BERT_INIT: WeightInit = { kind: 'uniform', bound: 0.02 * Math.sqrt(3) };

/**
 * Weights of BERT's prediction-head transform (`BertPredictionHeadTransform`, also LXMERT's
 * and ViLT's): `dense` [D, D] + bias, then `LayerNorm` [D]. Linear biases start at zero as in
 * Hugging Face.
 */
export function transformWeightSpecs(prefix: string, d: number): Record<string, WeightSpec> {
  return {
    [`${prefix}dense.weight`]: { shape: [d, d], init: BERT_INIT },
    [`${prefix}dense.bias`]: { shape: [d], init: { kind: 'zeros' } },
    [`${prefix}LayerNorm.weight`]: { shape: [d], init: { kind: 'ones' } },
    [`${prefix}LayerNorm.bias`]: { shape: [d], init: { kind: 'zeros' } },
  };
}

/** LN(act(x W^T + b)): the transform every BERT-style prediction head applies first. */
export function predictionTransform(
  g: OnnxGraph,
  x: string,
  w: Record<string, string>,
  prefix: string,
  act: Activation,
  eps: number,
): string {
  const h = activation(g, linear(g, x, w[`${prefix}dense.weight`]!, w[`${prefix}dense.bias`]), act);
  return layerNorm(g, h, w[`${prefix}LayerNorm.weight`]!, w[`${prefix}LayerNorm.bias`]!, eps);
}
