import { NodeError, defineNode, float, int, tensor } from '@modalflow/core';
import { checkLeading, crossEntropyTerms, elements, reduceMean, weightedMean } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Cross-entropy with integer class targets, as torch.nn.functional.cross_entropy with mean
 * reduction, label smoothing and ignore_index:
 *   l_n = (1 - ε)(-log p_{n, y_n}) + (ε / C) Σ_c (-log p_{n, c}),  p = softmax(logits)
 *   loss = Σ_{n: y_n ≠ ignore} l_n / |{n: y_n ≠ ignore}|
 * Logits may carry extra leading axes ([B, T, V] for masked LM with targets [B, T]). When
 * every target is ignored the loss is 0 (PyTorch gives NaN), so a batch without masked tokens
 * does not break training.
 */
export default defineNode({
  type: 'loss.cross_entropy',
  version: 1,
  category: 'losses',
  title: 'Cross-entropy',
  doc:
    'The standard classification loss: how surprised the model is by the correct class, -log softmax(logits)[target], averaged over the examples. Targets are class indices. Label smoothing spreads a little of the target probability over all classes; targets equal to `ignore_index` (-100, as Hugging Face marks unmasked tokens) do not count.',
  formula: '\\mathcal{L} = \\frac{1}{|V|}\\sum_{n \\in V}\\Big[(1-\\varepsilon)\\big(-\\log p_{n,y_n}\\big) + \\frac{\\varepsilon}{C}\\sum_c -\\log p_{n,c}\\Big],\\; p_n = \\mathrm{softmax}(z_n)',
  source: 'torch.nn.functional.cross_entropy (label_smoothing, ignore_index); Szegedy et al. 2016 for label smoothing',
  inputs: {
    logits: tensor('float32', null, { description: 'Class scores [..., C]' }),
    targets: tensor(['int64', 'int32'], null, { description: 'Class indices [...] (the logits without their last axis)' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'Mean over the counted targets' }),
    losses: tensor('float32', null, { description: 'Per-example loss [...], 0 where ignored' }),
  },
  params: {
    label_smoothing: float({ default: 0, min: 0, max: 1, description: 'ε: share of the target mass spread uniformly over the classes' }),
    ignore_index: int({ default: -100, description: 'Targets with this value are left out of the mean' }),
  },
  infer: ({ inputs }) => {
    const logits = inputs['logits']!;
    const targets = inputs['targets']!;
    if (logits.length < 1) throw new NodeError('"logits" must have a class axis', { port: 'logits' });
    if (targets.length !== logits.length - 1) {
      throw new NodeError(
        `"targets" has rank ${targets.length} but must have rank ${logits.length - 1}: the shape of "logits" without its class axis`,
        { port: 'targets' },
      );
    }
    checkLeading(logits, targets, 'logits', 'targets', targets.length);
    return { loss: [], losses: targets };
  },
  flops: ({ inputs, size }) => 8 * elements(inputs['logits']!, size),
  lower: ({ g, x, params }) => {
    const { losses, valid } = crossEntropyTerms(g, x['logits']!, x['targets']!, {
      smoothing: params.label_smoothing,
      ignoreIndex: params.ignore_index,
    });
    return { loss: valid ? weightedMean(g, losses, valid) : reduceMean(g, losses), losses };
  },
});
