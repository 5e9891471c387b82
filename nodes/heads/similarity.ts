import { NodeError, bool, defineNode, float, int, linearBound, tensor, type Dim, type WeightSpec } from '@modalflow/core';
import { ints } from '@modalflow/onnx';
import { linear } from '../lib/ops.ts';
import { l2Normalize } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * CLIP's similarity head (Radford et al. 2021; Hugging Face `CLIPModel.forward`):
 *   I = norm(f_I W_i^T [+ b_i]),  T = norm(f_T W_t^T [+ b_t]),  s' = clamp(exp(s), s_min, s_max)
 *   logits_per_image = s' I T^T  [Bi, Bt],  logits_per_text = its transpose  [Bt, Bi]
 * W_i = `visual_projection.weight` [E, Di] and W_t = `text_projection.weight` [E, Dt] have no
 * bias in CLIP; ALBEF's `vision_proj`/`text_proj` (Li et al. 2021) do, which `bias` adds.
 * `logit_scale` is the scalar s, initialised to ln(1/0.07) = 2.6592. ALBEF learns the
 * temperature τ = 1/s' itself and clamps it to [0.001, 0.5], i.e. s' in [2, 1000]:
 * min_scale 2, max_scale 1000.
 *
 * Normalisation divides by max(||x||, 1e-12) (torch.nn.functional.normalize) rather than by
 * ||x|| alone as Hugging Face does: identical for any non-zero vector, but a zero vector gives
 * zeros instead of NaN. The clip at s_max is OpenAI's training-time clamp of s at ln 100,
 * applied here in the forward pass so the logits never exceed what training allowed.
 */
export default defineNode({
  type: 'head.similarity',
  version: 1,
  category: 'heads',
  title: 'Similarity (CLIP)',
  views: { similarity: { outputs: ['logits_per_image', 'logits_per_text'], rows: 'image', cols: 'text' } },
  doc:
    'Scores every image against every text, as CLIP does. Each side is projected into a shared embedding space (CLIP: no bias; turn on `bias` for ALBEF), scaled to unit length, and compared by dot product (cosine similarity) times a learned temperature exp(s), kept between `min_scale` and `max_scale`. `logits_per_image[i, j]` scores image i against text j; `logits_per_text` is its transpose. Turn a projection off when its features already are embeddings (for example from an exported CLIP vision or text model).',
  formula:
    'I = \\frac{f_I W_i^\\top + b_i}{\\lVert f_I W_i^\\top + b_i \\rVert},\\; T = \\frac{f_T W_t^\\top + b_t}{\\lVert f_T W_t^\\top + b_t \\rVert},\\; L_{I} = \\mathrm{clamp}(e^{s}, s_{\\min}, s_{\\max})\\, I T^\\top,\\; L_{T} = L_{I}^\\top',
  source: 'Radford et al. 2021, Learning Transferable Visual Models From Natural Language Supervision; Hugging Face transformers CLIPModel; Li et al. 2021 (ALBEF, salesforce/ALBEF models/model_pretrain.py) for the biased projections and the clamped temperature',
  inputs: {
    image: tensor('float32', ['Bi', 'Di'], { description: 'Image features (pooled vision output) [Bi, Di]' }),
    text: tensor('float32', ['Bt', 'Dt'], { description: 'Text features (pooled text output) [Bt, Dt]' }),
  },
  outputs: {
    logits_per_image: tensor('float32', ['Bi', 'Bt'], { description: 'Scaled cosine similarity of each image to each text' }),
    logits_per_text: tensor('float32', ['Bt', 'Bi'], { description: 'Transpose of logits_per_image' }),
    image_embeds: tensor('float32', ['Bi', 'E'], { description: 'L2-normalised image embeddings' }),
    text_embeds: tensor('float32', ['Bt', 'E'], { description: 'L2-normalised text embeddings' }),
    scale: tensor('float32', [], { description: 'The factor clamp(exp(s), min_scale, max_scale) that multiplied the cosines' }),
  },
  params: {
    embed: int({ default: 512, min: 1, description: 'Shared embedding width E (512 for CLIP ViT-B/32)' }),
    project_image: bool({ default: true, description: 'Apply visual_projection; turn off when the image features already are embeddings' }),
    project_text: bool({ default: true, description: 'Apply text_projection; turn off when the text features already are embeddings' }),
    bias: bool({ default: false, description: 'Give the projections a bias (ALBEF vision_proj/text_proj; CLIP has none)' }),
    logit_scale_init: float({ default: 2.6592, min: -20, max: 20, description: 'Initial value of the learned log-temperature s (ln(1/0.07) in CLIP)' }),
    max_scale: float({ default: 100, min: 1e-6, description: 'Upper limit of exp(s) (100 in CLIP; 1000 in ALBEF, temperature ≥ 0.001)' }),
    min_scale: float({ default: 0, min: 0, description: 'Lower limit of exp(s) (0 = none, as CLIP; 2 in ALBEF, temperature ≤ 0.5)' }),
  },
  infer: ({ inputs, params }) => {
    if (params.min_scale > params.max_scale) {
      throw new NodeError(`min_scale ${params.min_scale} is above max_scale ${params.max_scale}`, { param: 'min_scale' });
    }
    const [bi, di] = inputs['image']! as [Dim, Dim];
    const [bt, dt] = inputs['text']! as [Dim, Dim];
    const ei: Dim = params.project_image ? params.embed : di;
    const et: Dim = params.project_text ? params.embed : dt;
    if (typeof ei === 'number' && typeof et === 'number' && ei !== et) {
      if (!params.project_image && !params.project_text) {
        throw new NodeError(`"text" has width ${et} but "image" has width ${ei}; with both projections off the features must share a width`, { port: 'text' });
      }
      const port = params.project_image ? 'text' : 'image';
      const width = params.project_image ? et : ei;
      throw new NodeError(`"${port}" has width ${width}, but without its projection it must already be embed = ${params.embed} wide`, { port });
    }
    const e = typeof ei === 'number' ? ei : et;
    return {
      logits_per_image: [bi, bt],
      logits_per_text: [bt, bi],
      image_embeds: [bi, e],
      text_embeds: [bt, e],
      scale: [],
    };
  },
  weights: ({ inputs, params, need }) => {
    // Hugging Face initialises the projections N(0, width^-1/2); uniform with that variance.
    const proj = (name: string, width: number) => {
      out[`${name}.weight`] = { shape: [params.embed, width], init: { kind: 'uniform', bound: Math.sqrt(3 / width) } };
      // nn.Linear's default bias init, as ALBEF's projections keep it.
      if (params.bias) out[`${name}.bias`] = { shape: [params.embed], init: { kind: 'uniform', bound: linearBound(width) } };
    };
    const out: Record<string, WeightSpec> = {};
    if (params.project_image) proj('visual_projection', need(inputs['image']![1], 'the width of image'));
    if (params.project_text) proj('text_projection', need(inputs['text']![1], 'the width of text'));
    out['logit_scale'] = { shape: [], init: { kind: 'constant', value: params.logit_scale_init } };
    return out;
  },
  flops: ({ inputs, outputs, params, size }) => {
    const [bi, di] = inputs['image']!.map(size) as [number, number];
    const [bt, dt] = inputs['text']!.map(size) as [number, number];
    const e = size(outputs['image_embeds']![1]!);
    const b = params.bias ? 1 : 0;
    const proj = (params.project_image ? bi * e * (2 * di + b) : 0) + (params.project_text ? bt * e * (2 * dt + b) : 0);
    return proj + 3 * (bi + bt) * e + bi * bt * (2 * e + 1);
  },
  lower: ({ g, x, w, params }) => {
    const img = params.project_image ? linear(g, x['image']!, w['visual_projection.weight']!, w['visual_projection.bias']) : x['image']!;
    const txt = params.project_text ? linear(g, x['text']!, w['text_projection.weight']!, w['text_projection.bias']) : x['text']!;
    const imageEmbeds = l2Normalize(g, img);
    const textEmbeds = l2Normalize(g, txt);
    let scale = g.op('Min', [g.op('Exp', [w['logit_scale']!]), g.scalarFloat(params.max_scale)]);
    if (params.min_scale > 0) scale = g.op('Max', [scale, g.scalarFloat(params.min_scale)]);
    const cos = g.op('MatMul', [imageEmbeds, g.op('Transpose', [textEmbeds], { perm: ints([1, 0]) })]);
    const perImage = g.op('Mul', [cos, scale]);
    const perText = g.op('Transpose', [perImage], { perm: ints([1, 0]) });
    return { logits_per_image: perImage, logits_per_text: perText, image_embeds: imageEmbeds, text_embeds: textEmbeds, scale };
  },
});
