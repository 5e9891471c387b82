import { NodeError, choice, defineNode, tensor } from '@modalflow/core';
import { checkSameShape, elements, reduceMean, reduceSum } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Binary cross-entropy on logits, in the overflow-free form of
 * torch.nn.BCEWithLogitsLoss:
 *   l = max(x, 0) - x y + log(1 + exp(-|x|))   (= -[y log σ(x) + (1 - y) log(1 - σ(x))])
 * Reductions: `mean` over every element (PyTorch's default), `sum`, or `batch_mean`, the sum
 * over all axes but the first divided by the batch size: the VQA convention of UNITER and
 * LXMERT (BCE mean times the number of answers).
 */
export default defineNode({
  type: 'loss.bce',
  version: 1,
  category: 'losses',
  title: 'Binary cross-entropy',
  doc:
    'Loss for yes/no or multi-label predictions: each logit is an independent probability σ(x) and the target a number in [0, 1] (for VQA, the soft answer score). Computed from the logits directly so large scores cannot overflow.',
  formula: '\\ell = \\max(x, 0) - x\\,y + \\log\\big(1 + e^{-|x|}\\big)',
  source: 'torch.nn.BCEWithLogitsLoss; VQA soft-score loss of UNITER / LXMERT (batch_mean)',
  inputs: {
    logits: tensor('float32', null, { description: 'Scores [...]' }),
    targets: tensor('float32', null, { description: 'Targets in [0, 1], same shape as logits' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'Reduced loss' }),
    losses: tensor('float32', null, { description: 'Element-wise loss, same shape as logits' }),
  },
  params: {
    reduction: choice(['mean', 'sum', 'batch_mean'], { default: 'mean', description: 'mean over elements, sum, or sum per example averaged over the first axis' }),
  },
  infer: ({ inputs }) => {
    const logits = inputs['logits']!;
    if (logits.length < 1) throw new NodeError('"logits" must have at least one axis', { port: 'logits' });
    checkSameShape(logits, inputs['targets']!, 'logits', 'targets');
    return { loss: [], losses: logits };
  },
  flops: ({ inputs, size }) => 10 * elements(inputs['logits']!, size),
  lower: ({ g, x, params, inputs }) => {
    const z = x['logits']!;
    const softplus = g.op('Log', [g.op('Add', [g.op('Exp', [g.op('Neg', [g.op('Abs', [z])])]), g.scalarFloat(1)])]);
    const losses = g.op('Add', [g.op('Sub', [g.op('Relu', [z]), g.op('Mul', [z, x['targets']!])]), softplus]);
    const rank = inputs['logits']!.length;
    let loss: string;
    if (params.reduction === 'sum') loss = reduceSum(g, losses);
    else if (params.reduction === 'batch_mean' && rank > 1) {
      loss = reduceMean(g, reduceSum(g, losses, Array.from({ length: rank - 1 }, (_, k) => k + 1)));
    } else loss = reduceMean(g, losses);
    return { loss, losses };
  },
});
