import type { OpDef } from '../op.ts';
import Add from './add.ts';
import Cast from './cast.ts';
import { And, Equal, Greater, GreaterOrEqual, Less, LessOrEqual, Or, Xor } from './compare.ts';
import Concat from './concat.ts';
import ConstantOfShape from './constant-of-shape.ts';
import Div from './div.ts';
import Exp from './exp.ts';
import Expand from './expand.ts';
import Gather from './gather.ts';
import Identity from './identity.ts';
import LayerNormalization from './layer-normalization.ts';
import Log from './log.ts';
import LogSoftmax from './log-softmax.ts';
import MatMul from './matmul.ts';
import Mul from './mul.ts';
import Neg from './neg.ts';
import Not from './not.ts';
import Pad from './pad.ts';
import Reciprocal from './reciprocal.ts';
import ReduceMean from './reduce-mean.ts';
import ReduceSum from './reduce-sum.ts';
import Relu from './relu.ts';
import Reshape from './reshape.ts';
import ScatterND from './scatter-nd.ts';
import Shape from './shape.ts';
import Sigmoid from './sigmoid.ts';
import Slice from './slice.ts';
import Softmax from './softmax.ts';
import Split from './split.ts';
import Sqrt from './sqrt.ts';
import Squeeze from './squeeze.ts';
import Sub from './sub.ts';
import Sum from './sum.ts';
import Tanh from './tanh.ts';
import Transpose from './transpose.ts';
import Unsqueeze from './unsqueeze.ts';
import Where from './where.ts';

/** Every op the IR knows, listed explicitly (as TF.js lists its kernels), by ONNX op type. */
export const OP_LIST: readonly OpDef[] = [
  Add, And, Cast, Concat, ConstantOfShape, Div, Equal, Exp, Expand, Gather, Greater, GreaterOrEqual, Identity,
  LayerNormalization, Less, LessOrEqual, Log, LogSoftmax, MatMul, Mul, Neg, Not, Or, Pad, Reciprocal, ReduceMean,
  ReduceSum, Relu, Reshape, ScatterND, Shape, Sigmoid, Slice, Softmax, Split, Sqrt, Squeeze, Sub, Sum, Tanh,
  Transpose, Unsqueeze, Where, Xor,
];

export const OPS: ReadonlyMap<string, OpDef> = new Map(OP_LIST.map((op) => [op.type, op]));
