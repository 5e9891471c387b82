import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { axisOf, input, known, zerosOfShape } from './util.ts';

/**
 * (values, indices) = the k largest (or smallest) entries of x along axis. values is a gather of
 * x at indices, so dx = zeros(x) with dvalues added at indices (ScatterElements, 'add');
 * indices are integers and carry none.
 */
export default defineOp({
  type: 'TopK',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axis = axisOf(ctx, x.shape.length, 'axis', -1);
    const kv = known(ctx, 1);
    const shape: Dim[] = [...x.shape];
    shape[axis] = kv ? kv[0]! : null;
    return [{ dtype: x.dtype, shape }, { dtype: 'int64', shape: [...shape] }];
  },
  grad: ({ g, x, y, dy, attr, shape, type, ints }) => {
    if (!dy[0]) return [undefined, undefined];
    const zeros = zerosOfShape(g, type(x[0]!).dtype, ints(shape(x[0]!)));
    const dx = g.op('ScatterElements', [zeros, y[1]!, dy[0]], {
      axis: { kind: 'int', value: attr.int('axis', -1) },
      reduction: { kind: 'string', value: 'add' },
    });
    return [dx, undefined];
  },
});
