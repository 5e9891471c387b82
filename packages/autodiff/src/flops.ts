import { numel } from '@modalflow/core';
import type { OnnxNode } from '@modalflow/onnx';
import type { TypedGraph } from './infer.ts';

/**
 * Floating-point operations of one op, from the shapes the IR gave its values: a multiply-add
 * counts 2 (the convention the node library's own counts use), an elementwise op one per output
 * value (transcendental ones a few), reductions and arg-max searches one per input value, and
 * moving or indexing data nothing. Counting what a lowering emits lets every node's hand-written FLOP formula be
 * checked against what it actually computes.
 */
const FREE = new Set([
  'Identity', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements',
  'Expand', 'Shape', 'Cast', 'ConstantOfShape', 'Constant', 'Range', 'EyeLike', 'Flatten', 'Tile', 'Pad', 'Where',
  'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'Trilu', 'Dropout',
  'ScatterND', 'ScatterElements', 'Floor', 'Ceil', 'Round', 'Sign',
]);
const TRANSCENDENTAL: Record<string, number> = { Exp: 4, Log: 4, Tanh: 4, Sigmoid: 4, Erf: 4, Sqrt: 2, Reciprocal: 1, Pow: 4, Cos: 4, Sin: 4 };

function dims(typed: TypedGraph, v: string): number[] {
  const s = typed.types.get(v)?.shape ?? [];
  return s.map((d) => (typeof d === 'number' ? d : 1));
}

export function opFlops(node: OnnxNode, typed: TypedGraph): number {
  const out = node.outputs[0] ? numel(dims(typed, node.outputs[0])) : 0;
  const input = node.inputs[0] ? numel(dims(typed, node.inputs[0])) : 0;
  switch (node.opType) {
    case 'MatMul':
    case 'Gemm': {
      const a = dims(typed, node.inputs[0]!);
      const transA = node.attrs['transA']?.value === 1 || node.attrs['transA']?.value === 1n;
      const k = node.opType === 'Gemm' && transA ? a[0]! : a[a.length - 1]!;
      return 2 * out * k + (node.opType === 'Gemm' && node.inputs[2] ? out : 0);
    }
    case 'Conv':
    case 'ConvTranspose': {
      const w = dims(typed, node.inputs[1]!);
      const perOutput = numel(w.slice(1));
      const base = node.opType === 'Conv' ? out : input;
      return 2 * base * perOutput + (node.inputs[2] ? out : 0);
    }
    case 'Softmax':
    case 'LogSoftmax':
      return 5 * out;
    case 'LayerNormalization':
      return 8 * out;
    case 'BatchNormalization':
      return 2 * out;
    case 'ArgMax':
    case 'ArgMin':
    case 'TopK':
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'CumSum':
      return input;
    case 'ReduceL2':
      return 2 * input;
    case 'LSTM': {
      // Per step, batch row and direction: two matmuls into the 4h gates, then about 32h for
      // the bias adds, three sigmoids, two tanh and the cell and state updates.
      const [t, b, d] = dims(typed, node.inputs[0]!) as [number, number, number];
      const h = Number(node.attrs['hidden_size']?.value ?? 0);
      const dirs = node.attrs['direction']?.value === 'bidirectional' ? 2 : 1;
      return t * b * dirs * (8 * h * (d + h) + 32 * h);
    }
    case 'Resize': {
      // Each output value of an interpolated axis reads 4 (cubic) or 2 (linear) neighbours per
      // axis, a multiply-add each.
      const mode = node.attrs['mode']?.value ?? 'nearest';
      const inDims = dims(typed, node.inputs[0]!);
      const outDims = dims(typed, node.outputs[0]!);
      const axes = outDims.filter((d, k) => d !== inDims[k]).length || inDims.filter((d) => d > 1).length;
      const taps = mode === 'cubic' ? 4 : mode === 'linear' ? 2 : 0;
      return taps ? 2 * taps ** axes * out : 0;
    }
    default:
      if (FREE.has(node.opType)) return 0;
      return (TRANSCENDENTAL[node.opType] ?? 1) * out;
  }
}

/** FLOPs of every op of a typed graph. */
export function graphFlops(typed: TypedGraph): number {
  return typed.graph.nodes.reduce((sum, n) => sum + opFlops(n, typed), 0);
}
