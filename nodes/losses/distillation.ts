import { defineNode, float, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { crossEntropyTerms, reduceMean, reduceSum } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Knowledge distillation (Hinton et al. 2015):
 *   loss = (1 - λ) CE(y, softmax(z_s)) + λ T² KL(softmax(z_t / T) || softmax(z_s / T))
 * with KL summed over classes and averaged over the batch (PyTorch's kl_div 'batchmean'), and
 * CE averaged over the batch. The T² factor keeps the soft term's gradients on the scale of
 * the hard term's as T changes. Without `targets` there is no hard term and loss = T² KL
 * whatever λ is (pure soft-target distillation, as ALBEF's momentum distillation).
 * The teacher's logits are taken as constants: in training, feed them from a frozen model.
 */
export default defineNode({
  type: 'loss.distillation',
  version: 1,
  category: 'losses',
  title: 'Distillation loss',
  doc:
    'Trains a student to imitate a teacher: the student\'s temperature-softened class distribution is pulled towards the teacher\'s (KL divergence, scaled by T²), mixed with ordinary cross-entropy on the true labels. λ sets the mix; a higher temperature T reveals more of the teacher\'s "dark knowledge" about which wrong classes are nearly right.',
  formula: '\\mathcal{L} = (1-\\lambda)\\,\\mathrm{CE}(y, \\sigma(z_s)) + \\lambda T^2\\, \\mathrm{KL}\\big(\\sigma(z_t/T) \\,\\|\\, \\sigma(z_s/T)\\big)',
  source: 'Hinton, Vinyals, Dean 2015, Distilling the Knowledge in a Neural Network',
  inputs: {
    student: tensor('float32', ['B', 'C'], { description: 'Student logits [B, C]' }),
    teacher: tensor('float32', ['B', 'C'], { description: 'Teacher logits [B, C]' }),
    targets: tensor(['int64', 'int32'], ['B'], { optional: true, description: 'True class indices [B] for the hard term' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'The mixed loss' }),
    ce: tensor('float32', [], { description: 'Hard-label cross-entropy (0 without targets)' }),
    kl: tensor('float32', [], { description: 'KL(teacher || student) at temperature T, before the T² factor' }),
  },
  params: {
    temperature: float({ default: 4, min: 1e-3, max: 100, description: 'Softening temperature T' }),
    alpha: float({ default: 0.5, min: 0, max: 1, description: 'λ: weight of the soft (teacher) term' }),
  },
  flops: ({ inputs, size }) => 20 * size(inputs['student']![0]!) * size(inputs['student']![1]!),
  lower: ({ g, x, params }) => {
    const t = params.temperature;
    const soften = (z: string) => g.op('LogSoftmax', [g.op('Mul', [z, g.scalarFloat(1 / t)])], { axis: i(-1) });
    const logPs = soften(x['student']!);
    const logPt = soften(x['teacher']!);
    // p_t (log p_t - log p_s) from log-probabilities, so a vanishing p_t gives 0, not 0·(-inf).
    const pointwise = g.op('Mul', [g.op('Exp', [logPt]), g.op('Sub', [logPt, logPs])]);
    const kl = reduceMean(g, reduceSum(g, pointwise, [-1]));
    const soft = g.op('Mul', [kl, g.scalarFloat(t * t)]);
    if (!x['targets']) return { loss: soft, ce: g.scalarFloat(0), kl };
    const ce = reduceMean(g, crossEntropyTerms(g, x['student']!, x['targets']).losses);
    const loss = g.op('Add', [g.op('Mul', [ce, g.scalarFloat(1 - params.alpha)]), g.op('Mul', [soft, g.scalarFloat(params.alpha)])]);
    return { loss, ce, kl };
  },
});
