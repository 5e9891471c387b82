import type { OpDef } from '../op.ts';
import Abs from './abs.ts';
import Add from './add.ts';
import { ArgMax, ArgMin } from './arg-extreme.ts';
import BatchNormalization from './batch-normalization.ts';
import Cast from './cast.ts';
import Clip from './clip.ts';
import { And, Equal, Greater, GreaterOrEqual, Less, LessOrEqual, Or, Xor } from './compare.ts';
import Concat from './concat.ts';
import Cos from './cos.ts';
import ConstantOfShape from './constant-of-shape.ts';
import Constant from './constant.ts';
import ConvTranspose from './conv-transpose.ts';
import Conv from './conv.ts';
import CumSum from './cum-sum.ts';
import Div from './div.ts';
import Dropout from './dropout.ts';
import Erf from './erf.ts';
import Exp from './exp.ts';
import Expand from './expand.ts';
import EyeLike from './eye-like.ts';
import Flatten from './flatten.ts';
import GatherElements from './gather-elements.ts';
import Gather from './gather.ts';
import Gemm from './gemm.ts';
import Identity from './identity.ts';
import If from './if.ts';
import LayerNormalization from './layer-normalization.ts';
import LeakyRelu from './leaky-relu.ts';
import LogSoftmax from './log-softmax.ts';
import Log from './log.ts';
import LSTM from './lstm.ts';
import MatMul from './matmul.ts';
import { Max, Min } from './min-max.ts';
import Mul from './mul.ts';
import Neg from './neg.ts';
import Not from './not.ts';
import Pad from './pad.ts';
import Pow from './pow.ts';
import Range from './range.ts';
import Reciprocal from './reciprocal.ts';
import { ReduceMax, ReduceMin } from './reduce-extreme.ts';
import ReduceL2 from './reduce-l2.ts';
import ReduceMean from './reduce-mean.ts';
import ReduceProd from './reduce-prod.ts';
import ReduceSum from './reduce-sum.ts';
import Relu from './relu.ts';
import Reshape from './reshape.ts';
import Resize from './resize.ts';
import { Ceil, Floor, Round, Sign } from './rounding.ts';
import ScatterElements from './scatter-elements.ts';
import ScatterND from './scatter-nd.ts';
import Shape from './shape.ts';
import Sigmoid from './sigmoid.ts';
import Sin from './sin.ts';
import Slice from './slice.ts';
import Softmax from './softmax.ts';
import Split from './split.ts';
import Sqrt from './sqrt.ts';
import Squeeze from './squeeze.ts';
import Sub from './sub.ts';
import Sum from './sum.ts';
import Tanh from './tanh.ts';
import Tile from './tile.ts';
import TopK from './top-k.ts';
import Transpose from './transpose.ts';
import Trilu from './trilu.ts';
import Unsqueeze from './unsqueeze.ts';
import Where from './where.ts';
import STFT from './stft.ts';
import MelWeightMatrix from './mel-weight-matrix.ts';

/** Every op the IR knows, listed explicitly (as TF.js lists its kernels), by ONNX op type. */
export const OP_LIST: readonly OpDef[] = [
  Abs, Add, And, ArgMax, ArgMin, BatchNormalization, Cast, Ceil, Clip, Concat, Constant, ConstantOfShape, Conv,
  ConvTranspose, Cos, CumSum, Div, Dropout, Equal, Erf, Exp, Expand, EyeLike, Flatten, Floor, Gather, GatherElements,
  Gemm, Greater, GreaterOrEqual, Identity, If, LayerNormalization, LeakyRelu, Less, LessOrEqual, Log, LogSoftmax,
  LSTM, MatMul, Max, Min, Mul, Neg, Not, Or, Pad, Pow, Range, Reciprocal, ReduceL2, ReduceMax, ReduceMean, ReduceMin,
  ReduceProd, ReduceSum, Relu, Reshape, Resize, Round, ScatterElements, ScatterND, Shape, Sigmoid, Sign, Sin, Slice,
  Softmax, Split, Sqrt, Squeeze, Sub, Sum, Tanh, Tile, TopK, Transpose, Trilu, Unsqueeze, Where, Xor,
  STFT, MelWeightMatrix,
];

export const OPS: ReadonlyMap<string, OpDef> = new Map(OP_LIST.map((op) => [op.type, op]));
