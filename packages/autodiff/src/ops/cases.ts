import type { Tensor } from '@modalflow/core';
import { OnnxGraph } from '@modalflow/onnx';
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
const f64 = (name: string, dims: number[], values: number[], constant = false) => ({
  name,
  constant,
  value: { dtype: 'float64', dims, data: Float64Array.from(values) } as Tensor,
});
const f32 = (name: string, dims: number[], values: number[]) => ({
  name,
  constant: true,
  value: { dtype: 'float32', dims, data: Float32Array.from(values) } as Tensor,
});
/** Random values with some entries copied from `from`, so those entries tie exactly. */
const tiedWith = (name: string, from: { value: Tensor }, every: number) => {
  const t = randomTensor([...from.value.dims], rand);
  (t.data as Float64Array).forEach((_, k, a) => {
    if (k % every === 0) a[k] = (from.value.data as Float64Array)[k]!;
  });
  return { name, value: t };
};
const str = (value: string) => ({ kind: 'string' as const, value });
const int = (value: number) => ({ kind: 'int' as const, value });
const float = (value: number) => ({ kind: 'float' as const, value });
const ints = (value: number[]) => ({ kind: 'ints' as const, value });

/**
 * A case whose op onnxruntime's CPU provider implements for float32 only: checked with the op
 * run in float32 between casts (see check-float32.ts), against a float32-sized tolerance.
 */
export type GradCase = OpCase & { float32?: true };

const maxA = x('a', 3, 4);
const reduceTie = (() => {
  const t = randomTensor([2, 3, 4], rand);
  const d = t.data as Float64Array;
  // Entries 0 and 2 of the first row tie for its maximum; entries 4 and 5 tie for a minimum.
  d[0] = 2;
  d[2] = 2;
  d[4] = -2;
  d[5] = -2;
  return { name: 'a', value: t };
})();

export const CASES: Record<string, GradCase[]> = {
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
  Abs: [{ op: 'Abs', inputs: [awayFromZero('a', 3, 4)] }],
  Erf: [{ op: 'Erf', inputs: [x('a', 3, 4)], float32: true }],
  LeakyRelu: [{ op: 'LeakyRelu', inputs: [awayFromZero('a', 3, 4)], attrs: { alpha: float(0.2) } }],
  Pow: [
    { op: 'Pow', inputs: [pos('a', 2, 3), x('b', 3)] },
    { op: 'Pow', inputs: [x('a', 2, 3), f64('b', [], [3], true)] },
  ],
  Max: [
    { op: 'Max', inputs: [x('a', 2, 3, 4), x('b', 3, 1), x('c', 4)] },
    // Two-way ties: the central difference at a tie is exactly the even split.
    { op: 'Max', inputs: [maxA, tiedWith('b', maxA, 3)] },
  ],
  Min: [
    { op: 'Min', inputs: [x('a', 2, 3), x('b', 3)] },
    { op: 'Min', inputs: [maxA, tiedWith('b', maxA, 2)] },
  ],
  Clip: [
    { op: 'Clip', inputs: [awayFromZero('a', 3, 4), f64('lo', [], [-0.05]), f64('hi', [], [0.5])] },
    { op: 'Clip', inputs: [awayFromZero('a', 3, 4), '', f64('hi', [], [0.05])] },
    { op: 'Clip', inputs: [awayFromZero('a', 2, 5), f64('lo', [], [0.05], true)] },
  ],
  Gemm: [
    { op: 'Gemm', inputs: [x('a', 2, 3), x('b', 3, 4), x('c', 4)] },
    { op: 'Gemm', inputs: [x('a', 3, 2), x('b', 4, 3), x('c', 2, 1)], attrs: { transA: int(1), transB: int(1), alpha: float(0.5), beta: float(2) } },
    { op: 'Gemm', inputs: [x('a', 3, 2), x('b', 3, 4)], attrs: { transA: int(1) } },
    { op: 'Gemm', inputs: [x('a', 2, 3), x('b', 4, 3)], attrs: { transB: int(1), alpha: float(-1.5) } },
  ],
  ReduceMax: [
    { op: 'ReduceMax', inputs: [x('a', 2, 3, 4)], attrs: { axes: ints([1, -1]), keepdims: int(0) } },
    { op: 'ReduceMax', inputs: [reduceTie], attrs: { axes: ints([2]), keepdims: int(1) } },
    { op: 'ReduceMax', inputs: [x('a', 2, 3)] },
  ],
  ReduceMin: [
    { op: 'ReduceMin', inputs: [x('a', 2, 3, 4)], attrs: { axes: ints([0]), keepdims: int(0) } },
    { op: 'ReduceMin', inputs: [reduceTie], attrs: { axes: ints([-1]) } },
  ],
  ReduceL2: [
    { op: 'ReduceL2', inputs: [x('a', 2, 3, 4)], attrs: { axes: ints([-1]), keepdims: int(1) } },
    { op: 'ReduceL2', inputs: [x('a', 2, 3)], attrs: { keepdims: int(0) } },
  ],
  ReduceProd: [{ op: 'ReduceProd', inputs: [awayFromZero('a', 2, 3, 4)], attrs: { axes: ints([1]), keepdims: int(0) } }],
  GatherElements: [
    { op: 'GatherElements', inputs: [x('a', 3, 4), i64('idx', [3, 2], [0, 3, 3, 3, 1, -1])], attrs: { axis: int(1) } },
    { op: 'GatherElements', inputs: [x('a', 3, 4), i64('idx', [2, 4], [0, 2, 2, 1, 1, 1, 0, 2])], attrs: { axis: int(0) } },
  ],
  Conv: [
    { op: 'Conv', inputs: [x('x', 2, 3, 5, 5), x('w', 4, 3, 2, 2), x('b', 4)], float32: true },
    {
      op: 'Conv',
      inputs: [x('x', 1, 2, 7, 6), x('w', 3, 2, 3, 2)],
      attrs: { strides: ints([2, 2]), pads: ints([1, 0, 2, 1]), dilations: ints([1, 2]) },
      float32: true,
    },
    { op: 'Conv', inputs: [x('x', 2, 4, 6, 5), x('w', 6, 2, 3, 3), x('b', 6)], attrs: { group: int(2), auto_pad: str('SAME_UPPER'), strides: ints([2, 1]) }, float32: true },
    { op: 'Conv', inputs: [x('x', 2, 3, 9), x('w', 2, 3, 3), x('b', 2)], attrs: { strides: ints([3]), pads: ints([1, 1]) }, float32: true },
    // onnxruntime rejects dilations together with auto_pad SAME_*; case #2 covers dilations.
    { op: 'Conv', inputs: [x('x', 1, 2, 8), x('w', 2, 2, 4)], attrs: { strides: ints([3]), auto_pad: str('SAME_LOWER') }, float32: true },
  ],
  Sin: [{ op: 'Sin', inputs: [x('a', 3, 4)] }],
  Cos: [{ op: 'Cos', inputs: [x('a', 3, 4)] }],
  ConvTranspose: [
    { op: 'ConvTranspose', inputs: [x('x', 2, 3, 3, 4), x('w', 3, 2, 2, 3), x('b', 2)], attrs: { strides: ints([2, 1]) }, float32: true },
    {
      op: 'ConvTranspose',
      inputs: [x('x', 1, 4, 5), x('w', 4, 1, 3)],
      attrs: { group: int(2), strides: ints([3]), pads: ints([1, 2]), dilations: ints([2]), output_padding: ints([2]) },
      float32: true,
    },
  ],
  Trilu: [
    { op: 'Trilu', inputs: [x('a', 2, 3, 4)] },
    { op: 'Trilu', inputs: [x('a', 4, 3), i64('k', [], [-1])], attrs: { upper: int(0) } },
  ],
  TopK: [
    { op: 'TopK', inputs: [x('a', 3, 5), i64('k', [1], [2])], outputs: 2 },
    { op: 'TopK', inputs: [x('a', 4, 3), i64('k', [1], [3])], attrs: { axis: int(0), largest: int(0) }, outputs: 2 },
  ],
  Tile: [{ op: 'Tile', inputs: [x('a', 2, 1, 3), i64('r', [3], [2, 3, 1])] }],
  CumSum: [
    { op: 'CumSum', inputs: [x('a', 3, 4), i64('axis', [], [1])] },
    { op: 'CumSum', inputs: [x('a', 3, 4), i64('axis', [], [0])], attrs: { reverse: int(1), exclusive: int(1) } },
    { op: 'CumSum', inputs: [x('a', 2, 5), i64('axis', [], [-1])], attrs: { exclusive: int(1) } },
  ],
  Flatten: [
    { op: 'Flatten', inputs: [x('a', 2, 3, 4)], attrs: { axis: int(2) } },
    { op: 'Flatten', inputs: [x('a', 2, 3)], attrs: { axis: int(0) } },
  ],
  Dropout: [{ op: 'Dropout', inputs: [x('a', 3, 4)] }],
  BatchNormalization: [
    {
      op: 'BatchNormalization',
      inputs: [x('x', 2, 3, 4, 2), x('scale', 3), x('b', 3), f64('mean', [3], [0.1, -0.2, 0.3], true), f64('var', [3], [0.5, 1.5, 2], true)],
      attrs: { epsilon: float(1e-3) },
    },
    { op: 'BatchNormalization', inputs: [x('x', 4, 2), x('scale', 2), x('b', 2), f64('mean', [2], [0, 1], true), f64('var', [2], [1, 0.25], true)] },
  ],
  Resize: [
    {
      op: 'Resize',
      inputs: [x('a', 1, 2, 3, 3), '', '', i64('sizes', [4], [1, 2, 5, 4])],
      attrs: { mode: str('linear'), coordinate_transformation_mode: str('align_corners') },
      float32: true,
    },
    { op: 'Resize', inputs: [x('a', 1, 1, 4, 6), '', '', i64('sizes', [4], [1, 1, 3, 9])], attrs: { mode: str('linear') }, float32: true },
    {
      op: 'Resize',
      inputs: [x('a', 1, 2, 2, 3), '', f32('scales', [4], [1, 1, 2, 1.5])],
      attrs: { mode: str('nearest'), nearest_mode: str('round_prefer_ceil') },
      float32: true,
    },
    {
      op: 'Resize',
      inputs: [x('a', 1, 1, 5, 4), '', '', i64('sizes', [4], [1, 1, 7, 3])],
      attrs: { mode: str('cubic'), cubic_coeff_a: float(-0.5), exclude_outside: int(1) },
      float32: true,
    },
    { op: 'Resize', inputs: [x('a', 1, 1, 4, 4), '', '', i64('sizes', [4], [1, 1, 6, 6])], attrs: { mode: str('cubic') }, float32: true },
  ],
};

const x32 = (name: string, ...dims: number[]) => {
  const t = randomTensor(dims, rand);
  return { name, value: { dtype: 'float32', dims, data: Float32Array.from(t.data as Float64Array) } as Tensor };
};
const bool = (name: string, dims: number[], values: number[], constant = false) => ({
  name,
  constant,
  value: { dtype: 'bool', dims, data: Uint8Array.from(values) } as Tensor,
});

/** A branch graph that outputs one constant of the given shape. */
function branch(name: string, dims: number[], fill: number): OnnxGraph {
  const g = new OnnxGraph(name);
  const n = dims.reduce((a, b) => a * b, 1);
  const y = g.op('Constant', [], { value: { kind: 'tensor', value: { dtype: 'float32', dims, data: new Float32Array(n).fill(fill) } } });
  g.addOutput(y, 'float32', dims);
  return g;
}

/**
 * Shape-rule cases for ops without a gradient case: integer and step ops, ops emitted only by
 * rules, recurrent and control-flow ops, and all-constant inputs, where the folded value is
 * compared with onnxruntime's as well.
 */
export const SHAPE_CASES: Record<string, OpCase[]> = {
  ArgMax: [
    { op: 'ArgMax', inputs: [x('a', 2, 5, 3)], attrs: { axis: int(1), keepdims: int(0) } },
    { op: 'ArgMax', inputs: [f64('a', [2, 3], [1, 3, 3, 0, -1, 0], true)], attrs: { axis: int(-1) } },
  ],
  ArgMin: [{ op: 'ArgMin', inputs: [f64('a', [2, 3], [1, 0, 0, 2, 2, 2], true)], attrs: { axis: int(1), select_last_index: int(1) } }],
  Floor: [{ op: 'Floor', inputs: [f64('a', [5], [-1.5, -0.2, 0, 0.7, 2.5], true)] }],
  Ceil: [{ op: 'Ceil', inputs: [f64('a', [5], [-1.5, -0.2, 0, 0.7, 2.5], true)] }],
  Round: [{ op: 'Round', inputs: [f64('a', [6], [-1.5, -0.5, 0.5, 1.5, 2.5, 2.6], true)] }],
  Sign: [{ op: 'Sign', inputs: [i64('a', [4], [-3, 0, 2, 7])] }],
  Abs: [{ op: 'Abs', inputs: [i64('a', [3], [-3, 0, 2])] }],
  Range: [
    { op: 'Range', inputs: [i64('s', [], [2]), i64('l', [], [11]), i64('d', [], [3])] },
    { op: 'Range', inputs: [f64('s', [], [1], true), f64('l', [], [2], true), f64('d', [], [0.3], true)] },
    { op: 'Range', inputs: [i64('s', [], [5]), i64('l', [], [-2]), i64('d', [], [-2])] },
  ],
  // A float64 signal [batch, length, 1] framed by a window: (20 - 8) / 4 + 1 = 4 frames of 5 bins.
  STFT: [{ op: 'STFT', inputs: [x('signal', 2, 20, 1), i64('step', [], [4]), f64('window', [8], [0, 0.2, 0.6, 1, 1, 0.6, 0.2, 0], true), i64('length', [], [8])], attrs: { onesided: int(1) } }],
  MelWeightMatrix: [{ op: 'MelWeightMatrix', inputs: [i64('mels', [], [6]), i64('dft', [], [64]), i64('rate', [], [8000]), f32('lo', [], [0]), f32('hi', [], [4000])] }],
  EyeLike: [
    { op: 'EyeLike', inputs: [x('a', 3, 4)], attrs: { k: int(1) } },
    { op: 'EyeLike', inputs: [x('a', 4, 2)], attrs: { k: int(-1), dtype: int(7) } },
  ],
  Max: [{ op: 'Max', inputs: [i64('a', [3], [1, 5, 2]), i64('b', [1], [3])] }],
  Min: [{ op: 'Min', inputs: [i64('a', [2, 1], [4, 1]), i64('b', [3], [2, 3, 0]), i64('c', [], [2])] }],
  Pow: [{ op: 'Pow', inputs: [i64('a', [3], [2, 3, 4]), i64('b', [], [2])] }],
  Clip: [{ op: 'Clip', inputs: [f64('a', [4], [-2, -0.5, 0.5, 2], true), f64('lo', [], [-1], true), f64('hi', [], [1], true)] }],
  Tile: [{ op: 'Tile', inputs: [i64('a', [2, 2], [1, 2, 3, 4]), i64('r', [2], [2, 3])] }],
  Flatten: [
    { op: 'Flatten', inputs: [i64('a', [2, 1, 3], [1, 2, 3, 4, 5, 6])], attrs: { axis: int(-1) } },
    { op: 'Flatten', inputs: [x('a', 2, 3, 4, 5)] },
  ],
  ReduceProd: [
    { op: 'ReduceProd', inputs: [i64('a', [2, 3], [1, 2, 3, 4, 5, 6])], attrs: { axes: ints([0]) } },
    { op: 'ReduceProd', inputs: [i64('a', [3], [2, 3, 4])], attrs: { keepdims: int(0) } },
  ],
  ReduceMax: [{ op: 'ReduceMax', inputs: [i64('a', [2, 3], [1, 9, 3, 4, 5, 6])], attrs: { axes: ints([1]), keepdims: int(0) } }],
  ReduceMin: [{ op: 'ReduceMin', inputs: [i64('a', [2, 3], [1, 9, 3, 4, 5, 6])] }],
  ReduceL2: [{ op: 'ReduceL2', inputs: [f64('a', [2, 2], [3, 4, 1, 0], true)], attrs: { axes: ints([1]) } }],
  CumSum: [
    { op: 'CumSum', inputs: [i64('a', [2, 3], [1, 2, 3, 4, 5, 6]), i64('axis', [], [1])], attrs: { reverse: int(1) } },
    { op: 'CumSum', inputs: [i64('a', [2, 3], [1, 2, 3, 4, 5, 6]), i64('axis', [], [0])], attrs: { exclusive: int(1) } },
  ],
  Trilu: [{ op: 'Trilu', inputs: [i64('a', [3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), i64('k', [], [1])] }],
  Constant: [
    { op: 'Constant', inputs: [], attrs: { value_ints: ints([4, 5, 6]) } },
    { op: 'Constant', inputs: [], attrs: { value_float: float(0.5) } },
    { op: 'Constant', inputs: [], attrs: { value: { kind: 'tensor', value: { dtype: 'int64', dims: [2, 1], data: BigInt64Array.of(7n, 8n) } } } },
  ],
  ScatterElements: [
    {
      op: 'ScatterElements',
      inputs: [x('a', 3, 4), i64('idx', [2, 4], [0, 1, 2, 0, 2, 2, 1, 1]), x('u', 2, 4)],
      attrs: { axis: int(0), reduction: str('add') },
    },
  ],
  ConvTranspose: [
    { op: 'ConvTranspose', inputs: [x32('x', 1, 2, 3, 4), x32('w', 2, 3, 3, 2)], attrs: { strides: ints([2, 3]), pads: ints([1, 0, 0, 1]), output_padding: ints([1, 2]) } },
    { op: 'ConvTranspose', inputs: [x32('x', 2, 4, 5), x32('w', 4, 1, 3)], attrs: { group: int(2), dilations: ints([2]) } },
    { op: 'ConvTranspose', inputs: [x32('x', 1, 1, 3, 3), x32('w', 1, 1, 3, 3)], attrs: { strides: ints([2, 2]), output_shape: ints([6, 7]) } },
  ],
  Resize: [
    { op: 'Resize', inputs: [x32('a', 1, 2, 3, 4), '', f32('scales', [4], [1, 1, 2, 0.5])], attrs: { mode: str('linear') } },
  ],
  LSTM: [
    { op: 'LSTM', inputs: [x32('x', 5, 2, 3), x32('w', 1, 16, 3), x32('r', 1, 16, 4)], attrs: { hidden_size: int(4) }, outputs: 3 },
    {
      op: 'LSTM',
      inputs: [x32('x', 5, 2, 3), x32('w', 2, 8, 3), x32('r', 2, 8, 2), x32('b', 2, 16)],
      // onnxruntime implements layout 0 only, so the batch-first rule has no reference here.
      attrs: { hidden_size: int(2), direction: str('bidirectional') },
      outputs: 3,
    },
  ],
  If: [
    {
      op: 'If',
      inputs: [bool('c', [], [0])],
      attrs: { then_branch: { kind: 'graph', value: branch('then', [2, 3], 1) }, else_branch: { kind: 'graph', value: branch('else', [2, 3], 2) } },
    },
    {
      op: 'If',
      inputs: [bool('c', [], [1], true)],
      attrs: { then_branch: { kind: 'graph', value: branch('then', [1, 4], 1) }, else_branch: { kind: 'graph', value: branch('else', [2, 2], 2) } },
    },
  ],
  Dropout: [{ op: 'Dropout', inputs: [x('a', 2, 3)], outputs: 2 }],
  Equal: [{ op: 'Equal', inputs: [i64('a', [2, 1], [1, 2]), i64('b', [3], [1, 2, 2])] }],
  Less: [{ op: 'Less', inputs: [x('a', 2, 3), x('b', 3)] }],
  LessOrEqual: [{ op: 'LessOrEqual', inputs: [i64('a', [3], [1, 2, 3]), i64('b', [], [2])] }],
  Greater: [{ op: 'Greater', inputs: [i64('a', [3], [1, 2, 3]), i64('b', [1], [2])] }],
  GreaterOrEqual: [{ op: 'GreaterOrEqual', inputs: [x('a', 4, 1), x('b', 1, 2)] }],
  And: [{ op: 'And', inputs: [bool('a', [4], [0, 1, 0, 1], true), bool('b', [4], [0, 0, 1, 1], true)] }],
  Or: [{ op: 'Or', inputs: [bool('a', [4], [0, 1, 0, 1], true), bool('b', [1], [0], true)] }],
  Xor: [{ op: 'Xor', inputs: [bool('a', [2, 1], [0, 1]), bool('b', [3], [0, 1, 1])] }],
  Not: [{ op: 'Not', inputs: [bool('a', [3], [0, 1, 0])] }],
  Shape: [
    { op: 'Shape', inputs: [x('a', 2, 3, 4)], attrs: { start: int(1) } },
    { op: 'Shape', inputs: [x('a', 2, 3, 4)], attrs: { start: int(-2), end: int(-1) } },
  ],
  ConstantOfShape: [
    { op: 'ConstantOfShape', inputs: [i64('s', [2], [2, 3])] },
    { op: 'ConstantOfShape', inputs: [i64('s', [1], [4])], attrs: { value: { kind: 'tensor', value: { dtype: 'int64', dims: [1], data: BigInt64Array.of(5n) } } } },
  ],
  ScatterND: [
    { op: 'ScatterND', inputs: [x('a', 4, 3), i64('idx', [2, 1], [3, 3]), x('u', 2, 3)], attrs: { reduction: str('add') } },
  ],
};
