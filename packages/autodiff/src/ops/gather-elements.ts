import { defineOp } from '../op.ts';
import { axisOf, input, zerosOfShape } from './util.ts';

/**
 * y[..i..] = x[.. idx[..i..] ..] along axis (torch.gather); y is shaped like the indices.
 * dx = zeros(x) with dy added at the same positions (ScatterElements, reduction 'add', so an
 * entry picked twice gets both gradients); the indices get none.
 */
export default defineOp({
  type: 'GatherElements',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const idx = input(ctx, 1);
    if (idx.shape.length !== x.shape.length) return ctx.fail('data and indices differ in rank');
    axisOf(ctx, x.shape.length);
    return [{ dtype: x.dtype, shape: [...idx.shape] }];
  },
  grad: ({ g, x, dy, attr, shape, type, ints }) => {
    const zeros = zerosOfShape(g, type(x[0]!).dtype, ints(shape(x[0]!)));
    const scattered = g.op('ScatterElements', [zeros, x[1]!, dy[0]!], {
      axis: { kind: 'int', value: attr.int('axis', 0) },
      reduction: { kind: 'string', value: 'add' },
    });
    return [scattered, undefined];
  },
});
