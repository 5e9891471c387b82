import { NodeError, defineNode, float, tensor, type Dim } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { l2Normalize } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Zero-shot classification over embeddings that are already projected into the joint space
 * (the `image_embeds` / `text_embeds` of exported CLIP towers):
 *   I = x / ||x||,  T_k = t_k / ||t_k||,  logits_bk = s · I_b · T_k,  p_b = softmax_k(logits_b)
 * The split towers of an export do not carry CLIP's learned temperature, so s is a param;
 * trained CLIP models end at exp(logit_scale) = 100 (the clamp OpenAI trains under), the
 * default. Normalisation divides by max(||x||, 1e-12), as torch.nn.functional.normalize.
 */
export default defineNode({
  type: 'head.zero_shot',
  version: 1,
  category: 'heads',
  title: 'Zero-shot classifier (CLIP)',
  views: { probabilities: { probs: {} } },
  doc:
    'Classifies each image into one of K labels known only at run time, as CLIP does without any training for the task: every label sentence is embedded by the text tower, and the image is scored against each by cosine similarity (both vectors scaled to length 1, then dotted), times `scale`. A softmax over the labels turns the scores into probabilities that sum to 1 per image. ' +
    'Feed it embeddings that are already in the shared space (the `image_embeds` and `text_embeds` outputs of exported CLIP vision and text models); it has no weights of its own. `scale` is CLIP\'s temperature: 100 for trained CLIP models, whose exported towers leave it out.',
  formula: 'p_{bk} = \\frac{\\exp(s \\cos(x_b, t_k))}{\\sum_j \\exp(s \\cos(x_b, t_j))},\\quad \\cos(x, t) = \\frac{x \\cdot t}{\\lVert x \\rVert\\,\\lVert t \\rVert}',
  source: 'Radford et al. 2021, Learning Transferable Visual Models From Natural Language Supervision (figure 3, zero-shot prediction); Hugging Face ZeroShotImageClassificationPipeline',
  inputs: {
    image: tensor('float32', ['B', 'E'], { description: 'Image embeddings [B, E]' }),
    text: tensor('float32', ['K', 'E'], { description: 'One embedding per label [K, E]' }),
  },
  outputs: {
    probs: tensor('float32', ['B', 'K'], { description: 'Probability of each label for each image; rows sum to 1' }),
    logits: tensor('float32', ['B', 'K'], { description: 'scale times the cosine similarity, before the softmax' }),
  },
  params: {
    scale: float({ default: 100, min: 0, max: 1e4, description: 'Temperature multiplying the cosines (exp(logit_scale); 100 for trained CLIP)' }),
  },
  infer: ({ inputs }) => {
    const [b, ei] = inputs['image']! as [Dim, Dim];
    const [k, et] = inputs['text']! as [Dim, Dim];
    if (typeof ei === 'number' && typeof et === 'number' && ei !== et) {
      throw new NodeError(`"text" has width ${et} but "image" has width ${ei}; both must be embeddings of the same space`, { port: 'text' });
    }
    return { probs: [b, k], logits: [b, k] };
  },
  flops: ({ inputs, size }) => {
    const [b, e] = inputs['image']!.map(size) as [number, number];
    const k = size(inputs['text']![0]!);
    return 3 * (b + k) * e + b * k * (2 * e + 1) + 4 * b * k;
  },
  lower: ({ g, x, params }) => {
    const image = l2Normalize(g, x['image']!);
    const text = l2Normalize(g, x['text']!);
    const cos = g.op('MatMul', [image, g.op('Transpose', [text], { perm: ints([1, 0]) })]);
    const logits = g.op('Mul', [cos, g.scalarFloat(params.scale)]);
    return { probs: g.op('Softmax', [logits], { axis: i(-1) }), logits };
  },
});
