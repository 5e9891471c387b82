import { defineOp } from '../op.ts';
import { input } from './util.ts';

/**
 * Inference-form BatchNormalization over channel axis 1, with per-channel statistics given as
 * inputs: y = (x - mean) / sqrt(var + eps) scale + B. With s = 1 / sqrt(var + eps) and
 * xh = (x - mean) s, all broadcast as [C, 1, ...]:
 *   dx = dy scale s,  dscale = sum_{n, spatial} dy xh,  dB = sum_{n, spatial} dy.
 * mean and var are running buffers, not trained by the loss, so they get no gradient. The
 * training form (training_mode = 1) computes the statistics from the batch; its rule is not
 * this one, so differentiating it fails with a clear error.
 */
export default defineOp({
  type: 'BatchNormalization',
  infer: (ctx) => {
    const x = input(ctx, 0);
    if (x.shape.length < 2) return ctx.fail('input must have a channel axis');
    for (const k of [1, 2, 3, 4]) {
      const t = input(ctx, k);
      if (t.shape.length !== 1) return ctx.fail(`input ${k} must be 1-D`);
    }
    const stat = { dtype: input(ctx, 3).dtype, shape: [x.shape[1]!] };
    return [{ dtype: x.dtype, shape: [...x.shape] }, stat, { ...stat }];
  },
  grad: ({ g, x, dy, need, attr, shape, ints, scalar, fail }) => {
    if (attr.int('training_mode', 0) === 1) return fail('only the inference form (training_mode = 0) has a gradient rule');
    const xs = shape(x[0]!);
    const rank = xs.length;
    const channel = [xs[1]!, ...Array(rank - 2).fill(1)];
    const perChannel = (v: string) => g.op('Reshape', [v, ints(channel)]);
    const eps = attr.float('epsilon', 1e-5);
    const s = perChannel(g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [x[4]!, scalar(eps, x[4]!)])])]));
    const others = [0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2)];
    const sumOthers = (v: string) => g.op('ReduceSum', [v, ints(others)], { keepdims: { kind: 'int', value: 0 } });
    let dscale: string | undefined;
    if (need[1]) {
      const xh = g.op('Mul', [g.op('Sub', [x[0]!, perChannel(x[3]!)]), s]);
      dscale = sumOthers(g.op('Mul', [dy[0]!, xh]));
    }
    return [
      need[0] ? g.op('Mul', [dy[0]!, g.op('Mul', [perChannel(x[1]!), s])]) : undefined,
      dscale,
      need[2] ? sumOthers(dy[0]!) : undefined,
      undefined,
      undefined,
    ];
  },
});
