import { defineOp } from '../op.ts';
import { input, known } from './util.ts';

/**
 * Y[b, t, k] = sum_n w[n] x[b, t*step + n] e^{-2 pi i k n / N}, as [B, T, K, 2] (real, imaginary),
 * T = floor((S - N) / step) + 1, K = N/2 + 1 when onesided. It only reads audio on the way into
 * a model, so no gradient rule is given: a weight behind it would be an MF_GRAD_NO_RULE error.
 */
export default defineOp({
  type: 'STFT',
  differentiable: false,
  infer: (ctx) => {
    const x = input(ctx, 0);
    if (x.shape.length !== 3) return ctx.fail('signal must be [batch, length, 1 or 2]');
    const step = known(ctx, 1)?.[0];
    const window = ctx.inputs[2] ? input(ctx, 2).shape[0] : undefined;
    const length = (ctx.inputs[3] ? known(ctx, 3)?.[0] : undefined) ?? (typeof window === 'number' ? window : undefined);
    const onesided = ctx.attr.int('onesided', 1) === 1;
    const s = x.shape[1];
    const frames = typeof s === 'number' && step && length ? Math.floor((s - length) / step) + 1 : null;
    const bins = length ? (onesided ? Math.floor(length / 2) + 1 : length) : null;
    return [{ dtype: x.dtype, shape: [x.shape[0]!, frames, bins, 2] }];
  },
});
