import type { Tensor } from '@modalflow/core';
import { lcg, randomTensor, type OpCase } from '../testing/gradcheck.ts';

/**
 * Gradient-check cases, one or more per differentiable op, as data (onnxruntime's op tests are
 * data files too). Shapes include broadcasting, so the reductions back to operand shapes are
 * exercised. Values avoid kinks (Relu at 0, Max ties) where finite differences are undefined.
 */
const rand = lcg(11);
const x = (name: string, ...dims: number[]) => ({ name, value: randomTensor(dims, rand) });
const pos = (name: string, ...dims: number[]) => {
  const t = randomTensor(dims, rand);
  (t.data as Float64Array).forEach((v, k, a) => (a[k] = 0.5 + Math.abs(v)));
  return { name, value: t };
};
const awayFromZero = (name: string, ...dims: number[]) => {
  const t = randomTensor(dims, rand);
  (t.data as Float64Array).forEach((v, k, a) => (a[k] = v < 0 ? v - 0.1 : v + 0.1));
  return { name, value: t };
};
const i64 = (name: string, dims: number[], values: number[]) => ({
  name,
  constant: true,
  value: { dtype: 'int64', dims, data: BigInt64Array.from(values, BigInt) } as Tensor,
});
const int = (value: number) => ({ kind: 'int' as const, value });
const float = (value: number) => ({ kind: 'float' as const, value });
const ints = (value: number[]) => ({ kind: 'ints' as const, value });

export const CASES: Record<string, OpCase[]> = {
  Add: [{ op: 'Add', inputs: [x('a', 2, 3, 4), x('b', 3, 1)] }],
  Sub: [{ op: 'Sub', inputs: [x('a', 4), x('b', 2, 3, 4)] }],
  Mul: [{ op: 'Mul', inputs: [x('a', 2, 1, 4), x('b', 3, 1)] }],
  Div: [{ op: 'Div', inputs: [x('a', 2, 3), pos('b', 3)] }],
  Neg: [{ op: 'Neg', inputs: [x('a', 2, 3)] }],
  Sum: [{ op: 'Sum', inputs: [x('a', 2, 3), x('b', 3), x('c', 1, 1)] }],
  Identity: [{ op: 'Identity', inputs: [x('a', 5)] }],
  Relu: [{ op: 'Relu', inputs: [awayFromZero('a', 3, 4)] }],
  Tanh: [{ op: 'Tanh', inputs: [x('a', 3, 4)] }],
  Sigmoid: [{ op: 'Sigmoid', inputs: [x('a', 3, 4)] }],
  Exp: [{ op: 'Exp', inputs: [x('a', 3, 4)] }],
  Log: [{ op: 'Log', inputs: [pos('a', 3, 4)] }],
  Sqrt: [{ op: 'Sqrt', inputs: [pos('a', 3, 4)] }],
  Reciprocal: [{ op: 'Reciprocal', inputs: [pos('a', 3, 4)] }],
  MatMul: [
    { op: 'MatMul', inputs: [x('a', 2, 3, 4), x('b', 4, 5)] },
    { op: 'MatMul', inputs: [x('a', 3, 1, 2, 4), x('b', 2, 4, 3)] },
    { op: 'MatMul', inputs: [x('a', 4), x('b', 2, 4, 3)] },
    { op: 'MatMul', inputs: [x('a', 2, 3, 4), x('b', 4)] },
  ],
  Transpose: [{ op: 'Transpose', inputs: [x('a', 2, 3, 4)], attrs: { perm: ints([2, 0, 1]) } }],
  Reshape: [{ op: 'Reshape', inputs: [x('a', 2, 3, 4), i64('s', [3], [0, -1, 2])] }],
  Unsqueeze: [{ op: 'Unsqueeze', inputs: [x('a', 2, 3), i64('axes', [2], [0, -1])] }],
  Squeeze: [{ op: 'Squeeze', inputs: [x('a', 2, 1, 3), i64('axes', [1], [1])] }],
  Expand: [{ op: 'Expand', inputs: [x('a', 3, 1), i64('s', [3], [2, 3, 4])] }],
  Concat: [{ op: 'Concat', inputs: [x('a', 2, 3), x('b', 2, 1), x('c', 2, 2)], attrs: { axis: int(-1) } }],
  Split: [{ op: 'Split', inputs: [x('a', 2, 5), i64('s', [2], [2, 3])], attrs: { axis: int(1) }, outputs: 2 }],
  Slice: [
    { op: 'Slice', inputs: [x('a', 3, 5), i64('starts', [1], [1]), i64('ends', [1], [-1]), i64('axes', [1], [1])] },
    { op: 'Slice', inputs: [x('a', 4, 3), i64('starts', [2], [0, 2]), i64('ends', [2], [2, 9])] },
  ],
  Pad: [{ op: 'Pad', inputs: [x('a', 2, 3), i64('pads', [4], [1, 0, 0, 2])] }],
  Gather: [
    { op: 'Gather', inputs: [x('w', 5, 3), i64('ids', [2, 3], [0, 4, 4, 1, -1, 2])], attrs: { axis: int(0) } },
    { op: 'Gather', inputs: [x('w', 2, 5, 3), i64('ids', [2], [3, 3])], attrs: { axis: int(1) } },
  ],
  Where: [
    {
      op: 'Where',
      inputs: [{ name: 'c', constant: true, value: { dtype: 'bool', dims: [3, 1], data: Uint8Array.of(1, 0, 1) } }, x('a', 3, 4), x('b', 4)],
    },
  ],
  Softmax: [{ op: 'Softmax', inputs: [x('a', 2, 3, 4)], attrs: { axis: int(1) } }],
  LogSoftmax: [{ op: 'LogSoftmax', inputs: [x('a', 3, 5)], attrs: { axis: int(-1) } }],
  ReduceSum: [
    { op: 'ReduceSum', inputs: [x('a', 2, 3, 4), i64('axes', [2], [0, 2])], attrs: { keepdims: int(0) } },
    { op: 'ReduceSum', inputs: [x('a', 2, 3)] },
  ],
  ReduceMean: [{ op: 'ReduceMean', inputs: [x('a', 2, 3, 4)], attrs: { axes: ints([-1]), keepdims: int(1) } }],
  LayerNormalization: [
    { op: 'LayerNormalization', inputs: [x('a', 2, 3, 4), x('scale', 4), x('bias', 4)], attrs: { axis: int(-1), epsilon: float(1e-5) } },
    { op: 'LayerNormalization', inputs: [x('a', 2, 3, 4), x('scale', 3, 4), x('bias', 3, 4)], attrs: { axis: int(1), epsilon: float(1e-3) } },
  ],
  Cast: [{ op: 'Cast', inputs: [x('a', 3)], attrs: { to: int(11) } }],
};
