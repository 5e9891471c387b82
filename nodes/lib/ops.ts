import type { OnnxGraph } from '@modalflow/onnx';
import { f, i, ints } from '@modalflow/onnx';

/**
 * Lowering building blocks shared by node types. Weights stay in PyTorch layout (Linear
 * weight [out, in]); the Transpose of an initializer is folded away by onnxruntime when the
 * session is created, so it costs nothing per run.
 */
export function linear(g: OnnxGraph, x: string, weight: string, bias?: string): string {
  const wt = g.op('Transpose', [weight], { perm: ints([1, 0]) });
  const y = g.op('MatMul', [x, wt]);
  return bias ? g.op('Add', [y, bias]) : y;
}

export function layerNorm(g: OnnxGraph, x: string, weight: string, bias: string, eps: number): string {
  return g.op('LayerNormalization', [x, weight, bias], { axis: i(-1), epsilon: f(eps) });
}

export const ACTIVATIONS = ['relu', 'gelu', 'gelu_tanh', 'quick_gelu', 'tanh', 'sigmoid', 'silu', 'identity'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Opset 17 has no Gelu op, so GELU is written from erf: x/2 * (1 + erf(x/sqrt 2)). */
export function activation(g: OnnxGraph, x: string, kind: Activation): string {
  switch (kind) {
    case 'identity':
      return x;
    case 'relu':
      return g.op('Relu', [x]);
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'sigmoid':
      return g.op('Sigmoid', [x]);
    case 'silu':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
    case 'quick_gelu':
      return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.scalarFloat(1.702)])])]);
    case 'gelu': {
      const erf = g.op('Erf', [g.op('Mul', [x, g.scalarFloat(Math.SQRT1_2)])]);
      return g.op('Mul', [g.op('Mul', [x, g.scalarFloat(0.5)]), g.op('Add', [erf, g.scalarFloat(1)])]);
    }
    case 'gelu_tanh': {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      const x3 = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [x3, g.scalarFloat(0.044715)])]), g.scalarFloat(Math.sqrt(2 / Math.PI))]);
      return g.op('Mul', [g.op('Mul', [x, g.scalarFloat(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.scalarFloat(1)])]);
    }
  }
}

/** FLOPs per element of each activation, for cost estimates. */
export const ACTIVATION_FLOPS: Record<Activation, number> = {
  identity: 0, relu: 1, tanh: 4, sigmoid: 4, silu: 5, quick_gelu: 6, gelu: 8, gelu_tanh: 10,
};
