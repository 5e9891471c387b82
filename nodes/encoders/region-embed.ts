import { NodeError, choice, defineNode, float, int, tensor, type WeightSpec } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { layerNorm, linear } from '../lib/ops.ts';
import { layerNormSpecs, linearSpecs } from '../lib/transformer.ts';
import { MASK_DTYPES } from '../lib/fusion-math.ts';
import { maskToFloat } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

const VARIANTS = ['vilbert', 'lxmert', 'uniter'] as const;
type Variant = (typeof VARIANTS)[number];

/** Width of each variant's box-geometry vector. */
const GEOMETRY: Record<Variant, number> = { vilbert: 5, lxmert: 4, uniter: 7 };

/**
 * Embeds detector regions (features f and pixel boxes (x1, y1, x2, y2)) as tokens. With corners
 * normalised by the image size (x/W, y/H) and w, h the normalised width and height:
 * - vilbert: LN(W_f f + W_l [x1, y1, x2, y2, w·h]). ViLBERT's 5-d location has area/(W·H),
 *   which equals w·h. Source: vilbert-multi-task BertImageEmbeddings; names `image_embeddings`,
 *   `image_location_embeddings`, `LayerNorm`.
 * - lxmert: (LN(W_f f) + LN(W_b [x1, y1, x2, y2])) / 2. Source: Hugging Face
 *   LxmertVisualFeatureEncoder; names `visn_fc`, `visn_layer_norm`, `box_fc`, `box_layer_norm`.
 * - uniter: LN(LN(W_f f) + LN(W_p [x1, y1, x2, y2, w, h, w·h]) + e_type). Source: ChenRocks/UNITER
 *   UniterImageEmbeddings and the 7-d position of the UNITER paper; names `img_linear`,
 *   `img_layer_norm`, `pos_layer_norm`, `pos_linear`, `LayerNorm`. UNITER takes e_type from row 1
 *   of the text embeddings' token_type table; here it is the node's own `type_embedding` [D].
 *   For masked region modelling UNITER first adds a learned vector to the features of masked
 *   regions, f + E_mask[μ] with `mask_embedding` = nn.Embedding(2, F) whose row 0 is forced
 *   to zero on every forward: connect `masked` (1 = masked) to do the same. Without it, no
 *   region is masked, as UNITER with img_masks=None.
 * `feature_weight` is the feature projection's weight [dim, F] (img_linear / visn_fc /
 * image_embeddings), for a regression head tied to it (UNITER's MRFR).
 */
export default defineNode({
  type: 'encoder.region_embed',
  version: 1,
  category: 'encoders',
  title: 'Region embedding',
  doc:
    'Turns object-detector regions into tokens for a vision-and-language transformer. Each region has a feature vector (e.g. 2048 numbers from Faster R-CNN) and a box; ' +
    'the box is described by its corners divided by the image size (so 0..1), and for some variants by its width, height and area. ' +
    'The features and the box description are each mapped to the model width and combined the way ViLBERT, LXMERT or UNITER do. ' +
    'Give the image size with `image_width`/`image_height`, or per image through the `size` input; leave both at 1 when the boxes are already normalised. ' +
    'For UNITER\'s masked region modelling, connect `masked` (1 for each region whose features were blanked): a learned "this region is masked" vector is added to those features. ' +
    '`feature_weight` gives the feature projection\'s weight, to tie a region-feature regression head to it.',
  formula:
    '\\text{vilbert: } \\mathrm{LN}(W_f f + W_l\\,\\ell_5) \\quad \\text{lxmert: } \\tfrac12\\big(\\mathrm{LN}(W_f f) + \\mathrm{LN}(W_b\\,b_4)\\big) \\quad ' +
    '\\text{uniter: } \\mathrm{LN}\\big(\\mathrm{LN}(W_f f) + \\mathrm{LN}(W_p\\,p_7) + e_{\\mathrm{type}}\\big)',
  source: 'vilbert-multi-task BertImageEmbeddings; Hugging Face LxmertVisualFeatureEncoder; ChenRocks/UNITER UniterImageEmbeddings',
  inputs: {
    features: tensor('float32', ['B', 'N', 'F'], { description: 'Region features [B, N, F]' }),
    boxes: tensor('float32', ['B', 'N', 4], { description: 'Region boxes [B, N, 4] as (x1, y1, x2, y2) in pixels (or already normalised)' }),
    size: tensor('float32', ['B', 2], { optional: true, description: 'Image (width, height) per example [B, 2]; overrides the params' }),
    masked: tensor(MASK_DTYPES, ['B', 'N'], { optional: true, description: 'uniter: regions whose features were masked out [B, N] (1 = masked); they get the learned mask embedding added' }),
  },
  outputs: {
    tokens: tensor('float32', ['B', 'N', 'dim'], { description: 'Region tokens [B, N, dim]' }),
    feature_weight: tensor('float32', ['dim', 'F'], { description: 'Weight of the feature projection [dim, F], for tying a feature-regression head' }),
  },
  params: {
    variant: choice(VARIANTS, { default: 'lxmert', description: 'Which model the embedding follows' }),
    dim: int({ default: 768, min: 1, description: 'Token width (ViLBERT vision stream: 1024)' }),
    image_width: float({ default: 1, min: 0, description: 'Image width the box x coordinates are divided by (1 = already normalised)' }),
    image_height: float({ default: 1, min: 0, description: 'Image height the box y coordinates are divided by (1 = already normalised)' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon' }),
  },
  infer: ({ inputs, params: p }) => {
    const f = inputs['features']!;
    if (!inputs['size'] && (p.image_width <= 0 || p.image_height <= 0)) {
      throw new NodeError('image_width and image_height must be positive', { param: p.image_width <= 0 ? 'image_width' : 'image_height' });
    }
    if (inputs['masked'] && p.variant !== 'uniter') {
      throw new NodeError(`"masked" is UNITER's masked-region embedding; variant ${p.variant} has none`, { port: 'masked' });
    }
    return { tokens: [f[0]!, f[1]!, p.dim], feature_weight: [p.dim, f[2]!] };
  },
  weights: ({ inputs, params: p, need }) => {
    const fdim = need(inputs['features']!.at(-1), 'the feature width (last axis of features)');
    const d = p.dim;
    const k = GEOMETRY[p.variant];
    let out: Record<string, WeightSpec>;
    switch (p.variant) {
      case 'vilbert':
        out = { ...linearSpecs('image_embeddings.', d, fdim), ...linearSpecs('image_location_embeddings.', d, k), ...layerNormSpecs('LayerNorm.', d) };
        break;
      case 'lxmert':
        out = {
          ...linearSpecs('visn_fc.', d, fdim), ...layerNormSpecs('visn_layer_norm.', d),
          ...linearSpecs('box_fc.', d, k), ...layerNormSpecs('box_layer_norm.', d),
        };
        break;
      case 'uniter':
        out = {
          ...linearSpecs('img_linear.', d, fdim), ...layerNormSpecs('img_layer_norm.', d),
          ...layerNormSpecs('pos_layer_norm.', d), ...linearSpecs('pos_linear.', d, k),
          // UNITER's init_weights draws embeddings from N(0, 0.02²); row 0 is never read.
          'mask_embedding.weight': { shape: [2, fdim], init: { kind: 'uniform', bound: 0.02 * Math.sqrt(3) } },
          // BERT's embedding init: std 0.02, as uniform(±0.02·√3).
          type_embedding: { shape: [d], init: { kind: 'uniform', bound: 0.02 * Math.sqrt(3) } },
          ...layerNormSpecs('LayerNorm.', d),
        };
        break;
    }
    return out;
  },
  flops: ({ inputs, params: p, size }) => {
    const f = inputs['features']!;
    const rows = size(f[0]!) * size(f[1]!);
    const k = GEOMETRY[p.variant];
    const norms = p.variant === 'vilbert' ? 1 : p.variant === 'lxmert' ? 2 : 3;
    const masking = inputs['masked'] ? 2 * size(f[2]!) : 0;
    return rows * (p.dim * (2 * size(f[2]!) + 1) + p.dim * (2 * k + 1) + 8 * norms * p.dim + 2 * p.dim + 8 + masking);
  },
  lower: ({ g, x, w, params: p }) => {
    const lin = (v: string, name: string) => linear(g, v, w[`${name}.weight`]!, w[`${name}.bias`]);
    const ln = (v: string, name: string) => layerNorm(g, v, w[`${name}.weight`]!, w[`${name}.bias`]!, p.eps);
    const last = (v: string, from: number, to: number) =>
      g.op('Slice', [v, g.constInt64([from]), g.constInt64([to]), g.constInt64([-1])]);

    let corners = x['boxes']!;
    if (x['size']) {
      const whwh = g.op('Concat', [x['size'], x['size']], { axis: i(1) });
      corners = g.op('Div', [corners, g.op('Unsqueeze', [whwh, g.constInt64([1])])]);
    } else if (p.image_width !== 1 || p.image_height !== 1) {
      corners = g.op('Div', [corners, g.constFloat([p.image_width, p.image_height, p.image_width, p.image_height])]);
    }
    const wh = g.op('Sub', [last(corners, 2, 4), last(corners, 0, 2)]);
    const area = g.op('Mul', [last(wh, 0, 1), last(wh, 1, 2)]);
    let f = x['features']!;
    const concat = (parts: string[]) => g.op('Concat', parts, { axis: i(-1) });

    switch (p.variant) {
      case 'vilbert':
        return {
          tokens: ln(g.op('Add', [lin(f, 'image_embeddings'), lin(concat([corners, area]), 'image_location_embeddings')]), 'LayerNorm'),
          feature_weight: w['image_embeddings.weight']!,
        };
      case 'lxmert': {
        const sum = g.op('Add', [ln(lin(f, 'visn_fc'), 'visn_layer_norm'), ln(lin(corners, 'box_fc'), 'box_layer_norm')]);
        return { tokens: g.op('Mul', [sum, g.scalarFloat(0.5)]), feature_weight: w['visn_fc.weight']! };
      }
      case 'uniter': {
        if (x['masked']) {
          // Row 0 is zero in UNITER's forward, so only masked regions change: f + μ E_mask[1].
          const masked = g.op('Unsqueeze', [maskToFloat(g, x['masked']), g.constInt64([-1])]);
          const row = g.op('Slice', [w['mask_embedding.weight']!, g.constInt64([1]), g.constInt64([2]), g.constInt64([0])]);
          f = g.op('Add', [f, g.op('Mul', [masked, row])]);
        }
        const pos = ln(lin(concat([corners, wh, area]), 'pos_linear'), 'pos_layer_norm');
        const sum = g.op('Add', [g.op('Add', [ln(lin(f, 'img_linear'), 'img_layer_norm'), pos]), w['type_embedding']!]);
        return { tokens: ln(sum, 'LayerNorm'), feature_weight: w['img_linear.weight']! };
      }
    }
  },
});
