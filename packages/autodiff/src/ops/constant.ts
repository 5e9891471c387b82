import type { Tensor } from '@modalflow/core';
import { defineOp } from '../op.ts';
import type { InferContext } from '../op.ts';
import { constTensor } from './util.ts';

/** The one value attribute of a Constant node, as a tensor (value_int and friends are scalars or 1-D). */
function valueOf(ctx: InferContext): Tensor {
  const { attr } = ctx;
  const t = attr.tensor('value');
  if (t) return t;
  if (attr.has('value_float')) return constTensor('float32', [], [attr.float('value_float')]);
  if (attr.has('value_int')) return constTensor('int64', [], [attr.int('value_int')]);
  const fs = ctx.node.attrs['value_floats'];
  if (fs?.kind === 'floats') return constTensor('float32', [fs.value.length], fs.value);
  if (attr.has('value_ints')) {
    const is = attr.ints('value_ints');
    return constTensor('int64', [is.length], is);
  }
  return ctx.fail('only value, value_float(s) and value_int(s) constants are supported');
}

/** y = a constant (PyTorch exports use these for every literal). No inputs, so no gradient. */
export default defineOp({
  type: 'Constant',
  differentiable: false,
  infer: (ctx) => {
    const t = valueOf(ctx);
    return [{ dtype: t.dtype, shape: [...t.dims] }];
  },
  fold: (ctx) => [valueOf(ctx)],
});
