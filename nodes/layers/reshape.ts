import { NodeError, defineNode, int, ints, tensor, type Dim } from '@modalflow/core';
import '../lib/lowering.ts';

/**
 * Reshape of the trailing axes, as torch.reshape / nn.Flatten / nn.Unflatten:
 *   x [d_1..d_k, t_1..t_m] -> y [d_1..d_k, s_1..s_n],  Π t = Π s
 * The first `keep` axes (the batch) pass through untouched, so the batch may stay symbolic;
 * one -1 in `shape` takes whatever is left. Data order is row-major, as in PyTorch.
 */
export default defineNode({
  type: 'layer.reshape',
  version: 1,
  category: 'layers',
  title: 'Reshape',
  doc:
    'Gives the values a new shape without changing them or their order (row-major, as torch.reshape). The first `keep` axes (the batch) stay as they are; the rest become `shape`. `[-1]` flattens them into one vector (nn.Flatten: a 3x8x8 picture becomes 192 numbers); `[10, 41]` splits 410 numbers into 10 rows of 41 (nn.Unflatten). One entry may be -1: it takes whatever size is left.',
  formula: 'y_{b,\\,\\mathrm{idx}_s(j)} = x_{b,\\,\\mathrm{idx}_t(j)},\\quad \\prod t = \\prod s',
  source: 'torch.reshape, torch.nn.Flatten, torch.nn.Unflatten',
  inputs: { x: tensor('float32', null, { description: 'Any tensor [keep axes..., rest...]' }) },
  outputs: { y: tensor('float32', null, { description: '[keep axes..., shape...]' }) },
  params: {
    keep: int({ default: 1, min: 0, max: 8, description: 'Leading axes left as they are (1: the batch)' }),
    shape: ints({ default: [-1], min: -1, description: 'New sizes of the remaining axes; one may be -1' }),
  },
  infer: ({ inputs, params }) => {
    const x = inputs['x']!;
    const { keep, shape } = params;
    if (x.length < keep) throw new NodeError(`x has ${x.length} axes but keep is ${keep}`, { param: 'keep' });
    if (shape.length === 0) throw new NodeError('shape is empty: give at least one size (-1 flattens)', { param: 'shape' });
    if (shape.some((s) => s === 0)) throw new NodeError(`shape [${shape.join(', ')}] has a 0`, { param: 'shape' });
    const free = shape.filter((s) => s === -1).length;
    if (free > 1) throw new NodeError(`shape [${shape.join(', ')}] has more than one -1`, { param: 'shape' });
    const rest = x.slice(keep);
    const symbolic = rest.find((d) => typeof d !== 'number');
    if (symbolic !== undefined) {
      throw new NodeError(`axis ${x.indexOf(symbolic)} of x is ${String(symbolic)}, not a fixed size: only the first ${keep} axes may vary`, { port: 'x' });
    }
    const total = (rest as number[]).reduce((a, d) => a * d, 1);
    const known = shape.filter((s) => s !== -1).reduce((a, d) => a * d, 1);
    if (free === 0 ? known !== total : total % known !== 0) {
      throw new NodeError(`x has ${total} values after its first ${keep} axes [${rest.join(', ')}], which do not fit shape [${shape.join(', ')}]`, { port: 'x' });
    }
    const out: Dim[] = shape.map((s) => (s === -1 ? total / known : s));
    return { y: [...x.slice(0, keep), ...out] };
  },
  flops: () => 0,
  lower: ({ g, x, params }) => {
    // ONNX Reshape copies a 0 from the input's shape, which keeps symbolic leading axes.
    const target = [...new Array<number>(params.keep).fill(0), ...params.shape];
    return { y: g.op('Reshape', [x['x']!, g.constInt64(target)]) };
  },
});
