import { defineNode, float, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import type { OnnxGraph } from '../lib/lowering.ts';
import { reduceMean, reduceSum } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Symmetric InfoNCE as CLIP trains it (Radford et al. 2021, Figure 3):
 *   L = s · logits,  loss = (CE(L, arange N) + CE(L^T, arange N)) / 2,
 * where CE over rows is mean_i(-log softmax(L_i)_i). The input is a ready logit matrix
 * (head.similarity's `logits_per_image`, already multiplied by the learned temperature), not
 * embeddings: the temperature then lives in one place, the head, and the same loss serves any
 * producer of a square similarity matrix. `scale` multiplies raw cosines by 1/τ when needed.
 * Row i and column i are the positive pair; every other entry is a negative.
 */
export default defineNode({
  type: 'loss.contrastive',
  version: 1,
  category: 'losses',
  title: 'Contrastive loss (InfoNCE)',
  doc:
    'The CLIP training objective. Given an N×N matrix of image-text scores in which pair i (row i, column i) truly belongs together, it asks each image to pick its own text among all N texts and each text to pick its own image, with cross-entropy, and averages the two directions. Connect `logits_per_image` from the similarity head; it already includes the learned temperature.',
  formula: '\\mathcal{L} = \\tfrac12\\Big(-\\tfrac1N\\sum_i \\log \\frac{e^{sL_{ii}}}{\\sum_j e^{sL_{ij}}} - \\tfrac1N\\sum_j \\log \\frac{e^{sL_{jj}}}{\\sum_i e^{sL_{ij}}}\\Big)',
  source: 'Radford et al. 2021 (CLIP), Hugging Face clip_loss; van den Oord et al. 2018 (InfoNCE)',
  inputs: { logits: tensor('float32', ['N', 'N'], { description: 'Scores of image i against text j [N, N]; the diagonal holds the matching pairs' }) },
  outputs: {
    loss: tensor('float32', [], { description: 'Mean of the two directions' }),
    loss_image: tensor('float32', [], { description: 'Image-to-text cross-entropy (over each row)' }),
    loss_text: tensor('float32', [], { description: 'Text-to-image cross-entropy (over each column)' }),
  },
  params: {
    scale: float({ default: 1, min: 0, description: 'Multiplies the logits first (1 for head.similarity logits; 1/τ for raw cosines)' }),
  },
  flops: ({ inputs, size }) => {
    const n = size(inputs['logits']![0]!);
    return 2 * 6 * n * n + 4 * n;
  },
  lower: ({ g, x, params }) => {
    const logits = params.scale === 1 ? x['logits']! : g.op('Mul', [x['logits']!, g.scalarFloat(params.scale)]);
    const diagonal = g.op('Cast', [g.op('EyeLike', [logits])], { to: i(9) });
    const lossImage = directionLoss(g, logits, diagonal, 1);
    const lossText = directionLoss(g, logits, diagonal, 0);
    const loss = g.op('Mul', [g.op('Add', [lossImage, lossText]), g.scalarFloat(0.5)]);
    return { loss, loss_image: lossImage, loss_text: lossText };
  },
});

/** mean over the other axis of -log softmax along `axis`, read on the diagonal. */
function directionLoss(g: OnnxGraph, logits: string, diagonal: string, axis: number): string {
  const logp = g.op('LogSoftmax', [logits], { axis: i(axis) });
  // Where, not a multiply by the identity, so a -inf score off the diagonal cannot make NaN.
  const onDiagonal = g.op('Where', [diagonal, logp, g.scalarFloat(0)]);
  return g.op('Neg', [reduceMean(g, reduceSum(g, onDiagonal, [axis]))]);
}
