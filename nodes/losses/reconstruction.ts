import { NodeError, choice, defineNode, float, tensor } from '@modalflow/core';
import { checkLeading, checkSameShape, elements, maskToFloat, reduceMean, weightedMean } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Reconstruction loss, mean reduction (torch.nn.MSELoss by default):
 *   e = (x̂ - x)²  (mse) | |x̂ - x|  (l1) | 0.5 d²/β if |d| < β else |d| - 0.5β  (smooth_l1)
 *   loss = mean(e), or with a mask m over the rows: Σ_r m_r Σ_k e_rk / (F Σ_r m_r)
 * The mask selects, for example, the masked regions of masked region feature regression
 * (UNITER computes MSE over those only; LXMERT uses smooth L1). With a mask that keeps
 * nothing the loss is 0 rather than NaN.
 */
export default defineNode({
  type: 'loss.reconstruction',
  version: 1,
  category: 'losses',
  title: 'Reconstruction loss',
  doc:
    'How far a prediction is from its target, averaged over all values: mean squared error by default, or mean absolute / smooth L1 error. An optional mask over the rows (for example which regions were masked out) restricts the average to the rows that count.',
  formula: '\\mathcal{L} = \\frac{\\sum_r m_r \\sum_k (\\hat x_{rk} - x_{rk})^2}{F \\sum_r m_r}',
  source: 'torch.nn.MSELoss / L1Loss / SmoothL1Loss; UNITER masked region feature regression, LXMERT feature regression',
  inputs: {
    prediction: tensor('float32', null, { description: 'Predicted values [..., F]' }),
    target: tensor('float32', null, { description: 'Targets, same shape as prediction' }),
    mask: tensor(['float32', 'bool', 'int64', 'int32'], null, { optional: true, description: 'Rows that count [...] (prediction without its last axis); 1 keeps a row' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'Mean error over the counted values' }),
    errors: tensor('float32', null, { description: 'Element-wise error, same shape as prediction' }),
  },
  params: {
    kind: choice(['mse', 'l1', 'smooth_l1'], { default: 'mse', description: 'Squared, absolute or smooth L1 error' }),
    beta: float({ default: 1, min: 1e-6, description: 'Smooth L1 threshold β' }),
  },
  infer: ({ inputs }) => {
    const p = inputs['prediction']!;
    if (p.length < 1) throw new NodeError('"prediction" must have at least one axis', { port: 'prediction' });
    checkSameShape(p, inputs['target']!, 'prediction', 'target');
    const mask = inputs['mask'];
    if (mask) {
      if (mask.length !== p.length - 1) {
        throw new NodeError(`"mask" has rank ${mask.length} but must have rank ${p.length - 1}: the shape of "prediction" without its last axis`, { port: 'mask' });
      }
      checkLeading(p, mask, 'prediction', 'mask', mask.length);
    }
    return { loss: [], errors: p };
  },
  flops: ({ inputs, size }) => 4 * elements(inputs['prediction']!, size),
  lower: ({ g, x, params }) => {
    const d = g.op('Sub', [x['prediction']!, x['target']!]);
    let errors: string;
    if (params.kind === 'mse') errors = g.op('Mul', [d, d]);
    else if (params.kind === 'l1') errors = g.op('Abs', [d]);
    else {
      const a = g.op('Abs', [d]);
      const beta = params.beta;
      const quad = g.op('Mul', [g.op('Mul', [d, d]), g.scalarFloat(0.5 / beta)]);
      const lin = g.op('Sub', [a, g.scalarFloat(0.5 * beta)]);
      errors = g.op('Where', [g.op('Less', [a, g.scalarFloat(beta)]), quad, lin]);
    }
    if (!x['mask']) return { loss: reduceMean(g, errors), errors };
    // Mean over the last axis per row, then a mask-weighted mean over rows: Σ m Σ e / (F Σ m).
    const rows = reduceMean(g, errors, [-1]);
    return { loss: weightedMean(g, rows, maskToFloat(g, x['mask'])), errors };
  },
});
