import { choice, defineNode, float, int, tensor } from '@modalflow/core';
import { BERT_INIT, predictionTransform, transformWeightSpecs } from '../lib/head-ops.ts';
import { ACTIVATIONS, ACTIVATION_FLOPS, linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Masked region feature regression head (LXMERT `LxmertVisualObjHead` with the `feat` output,
 * UNITER `RegionFeatureRegression`): each region's hidden state is mapped back to the
 * detector's feature space,
 *   h = LN(gelu(x W_d^T + b_d)),  f = h W^T + b,  W [F, D].
 * Weight names are LXMERT's (`transform.dense`, `transform.LayerNorm`, `decoder_dict.feat`).
 * UNITER's head is the same computation with its decoder tied to the transposed image
 * embedding; a checkpoint of it maps on with `decoder_dict.feat.weight` = img_linear.weight^T.
 */
export default defineNode({
  type: 'head.region_regression',
  version: 1,
  category: 'heads',
  title: 'Region feature regression',
  doc:
    'Reconstructs the detector features of (masked) image regions from the model\'s hidden states, the "masked region feature regression" pretraining task of LXMERT and UNITER: a dense layer, GELU and layer norm, then a linear map to the feature width F (2048 for Faster R-CNN features). Pair it with `loss.reconstruction`.',
  formula: 'h = \\mathrm{LN}(\\mathrm{gelu}(W_d x + b_d)),\\quad \\hat f = W h + b',
  source: 'Tan & Bansal 2019 (LXMERT), Hugging Face LxmertVisualObjHead; Chen et al. 2020 (UNITER) RegionFeatureRegression',
  inputs: { hidden: tensor('float32', ['B', 'N', 'D'], { description: 'Region hidden states [B, N, D]' }) },
  outputs: { features: tensor('float32', ['B', 'N', 'features'], { description: 'Predicted region features [B, N, F]' }) },
  params: {
    features: int({ default: 2048, min: 1, description: 'Feature width F to regress (2048 for bottom-up attention features)' }),
    activation: choice(ACTIVATIONS, { default: 'gelu', description: 'Activation of the transform' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon (1e-12 in LXMERT and UNITER)' }),
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['hidden']![2], 'the width of hidden');
    return {
      ...transformWeightSpecs('transform.', d),
      'decoder_dict.feat.weight': { shape: [params.features, d], init: BERT_INIT },
      'decoder_dict.feat.bias': { shape: [params.features], init: { kind: 'zeros' } },
    };
  },
  flops: ({ inputs, params, size }) => {
    const [b, n, d] = inputs['hidden']!.map(size) as [number, number, number];
    return b * n * (d * (2 * d + 1) + d * ACTIVATION_FLOPS[params.activation] + 8 * d + params.features * (2 * d + 1));
  },
  lower: ({ g, x, w, params }) => {
    const h = predictionTransform(g, x['hidden']!, w, 'transform.', params.activation, params.eps);
    return { features: linear(g, h, w['decoder_dict.feat.weight']!, w['decoder_dict.feat.bias']) };
  },
});
