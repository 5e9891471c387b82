import { dtypeFromOnnx } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { known } from './util.ts';

/** The [N/2 + 1, mel bins] triangle filterbank of ONNX's MelWeightMatrix: a constant of its scalar inputs. */
export default defineOp({
  type: 'MelWeightMatrix',
  differentiable: false,
  infer: (ctx) => {
    const dtype = dtypeFromOnnx(ctx.attr.int('output_datatype', 1));
    if (!dtype) return ctx.fail(`element type ${ctx.attr.int('output_datatype', 1)} is not supported`);
    const mels = known(ctx, 0)?.[0];
    const dft = known(ctx, 1)?.[0];
    return [{ dtype, shape: [dft !== undefined ? Math.floor(dft / 2) + 1 : null, mels ?? null] }];
  },
});
