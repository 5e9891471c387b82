import { defineOp } from '../op.ts';
import { axisOf, input } from './util.ts';

/**
 * y = (x - mu) / sqrt(var + eps) * scale + bias over axes [axis, rank).
 * With xh the normalised input, n values per row and dxh = dy scale:
 *   dx = (dxh - mean(dxh) - xh mean(dxh xh)) / sqrt(var + eps)
 *   dscale = sum over rows of dy xh,  dbias = sum over rows of dy.
 * Mean and inverse std are recomputed, since lowerings never ask for those optional outputs.
 */
export default defineOp({
  type: 'LayerNormalization',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axis = axisOf(ctx, x.shape.length, 'axis', -1);
    const stat = x.shape.map((d, k) => (k < axis ? d : 1));
    return [{ dtype: x.dtype, shape: [...x.shape] }, { dtype: 'float32', shape: stat }, { dtype: 'float32', shape: stat }];
  },
  grad: ({ g, x, dy, need, shape, attr, scalar, unbroadcast }) => {
    const xs = shape(x[0]!);
    const rank = xs.length;
    const a = attr.int('axis', -1);
    const axis = a < 0 ? a + rank : a;
    const eps = attr.float('epsilon', 1e-5);
    const keep = { keepdims: { kind: 'int' as const, value: 1 } };
    const mean = (v: string) => g.op('ReduceMean', [v], { axes: { kind: 'ints', value: Array.from({ length: rank - axis }, (_, k) => axis + k) }, ...keep });
    const mu = mean(x[0]!);
    const centred = g.op('Sub', [x[0]!, mu]);
    const variance = mean(g.op('Mul', [centred, centred]));
    const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, scalar(eps, x[0]!)])])]);
    const xh = g.op('Mul', [centred, rstd]);
    const d = dy[0]!;
    let dx: string | undefined;
    if (need[0]) {
      const dxh = g.op('Mul', [d, x[1]!]);
      const m1 = mean(dxh);
      const m2 = mean(g.op('Mul', [dxh, xh]));
      dx = g.op('Mul', [g.op('Sub', [g.op('Sub', [dxh, m1]), g.op('Mul', [xh, m2])]), rstd]);
    }
    const scaleShape = shape(x[1]!);
    return [
      dx,
      need[1] ? unbroadcast(g.op('Mul', [d, xh]), scaleShape) : undefined,
      need[2] && x[2] ? unbroadcast(d, shape(x[2]!)) : undefined,
    ];
  },
});
