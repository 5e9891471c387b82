import { NodeError, choice, defineNode, float, tensor } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import { MASK_DTYPES } from '../lib/fusion-math.ts';
import { checkLeading, checkSameShape, crossEntropyTerms, elements, maskToFloat, reduceMean, reduceSum, weightedMean } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Knowledge distillation (Hinton et al. 2015), over rows of C class scores [..., C]:
 *   loss = (1 - λ) CE(y, softmax(z_s)) + λ T² KL(p_t || softmax(z_s / T)),  p_t = softmax(z_t / T)
 * with KL summed over classes and averaged over the rows (PyTorch's kl_div 'batchmean' for
 * [B, C]), and CE averaged over the rows. The T² factor keeps the soft term's gradients on the
 * scale of the hard term's as T changes. Without `targets` there is no hard term and
 * loss = T² KL whatever λ is (pure soft-target distillation, as ALBEF's momentum distillation).
 * The teacher's logits are taken as constants: in training, feed them from a frozen model.
 *
 * Rows are every position of the leading axes (batch, regions, ...); with `mask` only the
 * rows where it is non-zero count: Σ_rows m · KL / max(Σ m, 1). With `teacher_input` = probs the
 * teacher input is already a distribution and is used as given (not softened by T), entries
 * with p_t = 0 adding 0. ViLBERT's masked-region loss is this with probs, T = 1 and no
 * targets: the detector's class distribution of each masked region against
 * log_softmax(scores) (vilbert-multi-task vilbert.py, visual_target 0, KLDivLoss summed over
 * the masked regions and classes, divided by the number of masked regions).
 */
export default defineNode({
  type: 'loss.distillation',
  version: 1,
  category: 'losses',
  title: 'Distillation / KL loss',
  doc:
    'Trains a student to imitate a teacher: the student\'s temperature-softened class distribution is pulled towards the teacher\'s (KL divergence, scaled by T²), mixed with ordinary cross-entropy on the true labels. λ sets the mix; a higher temperature T reveals more of the teacher\'s "dark knowledge" about which wrong classes are nearly right. ' +
    'Scores may have leading axes ([B, C] or [B, N, C], e.g. one row per image region); `mask` picks the rows that count (the masked regions). ' +
    'The teacher can be logits or, with `teacher_input` = probs, a distribution given directly (a detector\'s class probabilities, as in ViLBERT\'s masked-region KL).',
  formula: '\\mathcal{L} = (1-\\lambda)\\,\\mathrm{CE}(y, \\sigma(z_s)) + \\lambda T^2\\, \\mathrm{KL}\\big(\\sigma(z_t/T) \\,\\|\\, \\sigma(z_s/T)\\big)',
  source: 'Hinton, Vinyals, Dean 2015, Distilling the Knowledge in a Neural Network; ViLBERT masked-region KL (vilbert-multi-task)',
  inputs: {
    student: tensor('float32', null, { description: 'Student logits [..., C]' }),
    teacher: tensor('float32', null, { description: 'Teacher logits [..., C] (or probabilities with teacher_input = probs)' }),
    targets: tensor(['int64', 'int32'], null, { optional: true, description: 'True class indices [...] for the hard term' }),
    mask: tensor(MASK_DTYPES, null, { optional: true, description: 'Rows that count [...] (non-zero = counts), e.g. the masked regions' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'The mixed loss' }),
    ce: tensor('float32', [], { description: 'Hard-label cross-entropy (0 without targets)' }),
    kl: tensor('float32', [], { description: 'KL(teacher || student) at temperature T, before the T² factor' }),
  },
  params: {
    temperature: float({ default: 4, min: 1e-3, max: 100, description: 'Softening temperature T' }),
    alpha: float({ default: 0.5, min: 0, max: 1, description: 'λ: weight of the soft (teacher) term' }),
    teacher_input: choice(['logits', 'probs'], { default: 'logits', description: 'What the teacher input holds: logits (softened by T) or a probability distribution used as given' }),
  },
  infer: ({ inputs }) => {
    const s = inputs['student']!;
    if (s.length < 1) throw new NodeError('"student" must have a class axis [..., C]', { port: 'student' });
    checkSameShape(s, inputs['teacher']!, 'student', 'teacher');
    const lead = s.slice(0, -1);
    for (const port of ['targets', 'mask'] as const) {
      const t = inputs[port];
      if (!t) continue;
      if (t.length !== lead.length) {
        throw new NodeError(`"${port}" has rank ${t.length} but must be the student's shape without its class axis (rank ${lead.length})`, { port });
      }
      checkLeading(lead, t, 'student', port, lead.length);
    }
    return { loss: [], ce: [], kl: [] };
  },
  flops: ({ inputs, size }) => 20 * elements(inputs['student']!, size),
  lower: ({ g, x, params }) => {
    const t = params.temperature;
    const logPs = g.op('LogSoftmax', [t === 1 ? x['student']! : g.op('Mul', [x['student']!, g.scalarFloat(1 / t)])], { axis: i(-1) });
    let pointwise: string;
    if (params.teacher_input === 'probs') {
      // p (log p - log q), defined as 0 where p = 0 (kl_div's convention): Where keeps the
      // 0 · -inf of those entries out of the sum.
      const p = x['teacher']!;
      const terms = g.op('Mul', [p, g.op('Sub', [g.op('Log', [p]), logPs])]);
      pointwise = g.op('Where', [g.op('Greater', [p, g.scalarFloat(0)]), terms, g.scalarFloat(0)]);
    } else {
      const logPt = g.op('LogSoftmax', [g.op('Mul', [x['teacher']!, g.scalarFloat(1 / t)])], { axis: i(-1) });
      // p_t (log p_t - log p_s) from log-probabilities, so a vanishing p_t gives 0, not 0·(-inf).
      pointwise = g.op('Mul', [g.op('Exp', [logPt]), g.op('Sub', [logPt, logPs])]);
    }
    const rows = reduceSum(g, pointwise, [-1]);
    const keep = x['mask'] ? maskToFloat(g, x['mask']) : undefined;
    const mean = (v: string) => (keep ? weightedMean(g, v, keep) : reduceMean(g, v));
    const kl = mean(rows);
    const soft = g.op('Mul', [kl, g.scalarFloat(t * t)]);
    if (!x['targets']) return { loss: soft, ce: g.scalarFloat(0), kl };
    const ce = mean(crossEntropyTerms(g, x['student']!, x['targets']).losses);
    const loss = g.op('Add', [g.op('Mul', [ce, g.scalarFloat(1 - params.alpha)]), g.op('Mul', [soft, g.scalarFloat(params.alpha)])]);
    return { loss, ce, kl };
  },
});
