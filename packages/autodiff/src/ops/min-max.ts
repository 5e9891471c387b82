import { onnxDataType } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import type { GradContext } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/**
 * y = elementwise max (or min) of x_1..x_n, broadcasting. Where k inputs tie for the extreme,
 * each gets dy / k, as torch.maximum / torch.minimum split it:
 *   m_j = [x_j == y],  dx_j = sum_to(dy m_j / sum_i m_i, x_j).
 */
function extreme(type: 'Max' | 'Min') {
  const pick = type === 'Max' ? Math.max : Math.min;
  return defineOp({
    type,
    infer: (ctx) => broadcastInfer(ctx),
    fold: (ctx) => foldBroadcast(ctx, broadcastInfer(ctx)[0]!, (...xs) => pick(...xs)),
    grad: (ctx) => extremeGrad(ctx),
  });
}

function extremeGrad({ g, x, y, dy, need, type, shape, unbroadcast }: GradContext): (string | undefined)[] {
  if (x.length === 1) return [dy[0]];
  const to = { kind: 'int' as const, value: onnxDataType(type(y[0]!).dtype) };
  const masks = x.map((v) => g.op('Cast', [g.op('Equal', [v, y[0]!])], { to }));
  const count = g.op('Sum', masks);
  const share = g.op('Div', [dy[0]!, count]);
  return x.map((v, k) => (need[k] ? unbroadcast(g.op('Mul', [share, masks[k]!]), shape(v)) : undefined));
}

export const Max = extreme('Max');
export const Min = extreme('Min');
