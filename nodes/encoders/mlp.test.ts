import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { act, f64, layerNormRef, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { randomWeights } from '../testing/transformer-reference.ts';
import mlp from './mlp.ts';

const shapeOnly = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(0) });

function analyze(params: Record<string, unknown>, inputs: Record<string, Tensor>) {
  const a = analyzeGraph(singleNodeGraph(mlp, { params, inputs }), registryWith(mlp));
  return { a, n: a.nodes.get('n')! };
}

function mlpRef(x: Tensor, weights: Record<string, Tensor>, widths: number[], activation: string, lastAct: boolean, ln?: number) {
  let h: Float64Array = f64(x);
  let inp = x.dims.at(-1)!;
  widths.forEach((width, k) => {
    const b = weights[`layers.${k}.bias`];
    h = linearRef(h, inp, f64(weights[`layers.${k}.weight`]!), width, b ? f64(b) : undefined);
    if (k < widths.length - 1 || lastAct) h = h.map(act[activation]!);
    inp = width;
  });
  return ln === undefined ? h : layerNormRef(h, inp, f64(weights['norm.weight']!), f64(weights['norm.bias']!), ln);
}

describe('encoder.mlp', () => {
  it('stacks Linear + activation layers with no activation after the last by default', async () => {
    const params = { layers: [7, 5, 3], activation: 'gelu' };
    const x = randomTensor([2, 4, 6], 13, 2);
    const weights = randomWeights(mlp, { params, inputs: { x } }, 50);
    const { outputs } = await runNode(mlp, { params, inputs: { x }, weights });
    expect(outputs['y']!.dims).toEqual([2, 4, 3]);
    expect(Object.keys(weights)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(relError(f64(outputs['y']!), mlpRef(x, weights, [7, 5, 3], 'gelu', false))).toBeLessThanOrEqual(1e-5);
  });

  it('optionally activates the last layer, drops biases and adds a final layer norm', async () => {
    const params = { layers: [4, 6], activation: 'tanh', last_activation: true, bias: false, layer_norm: true, eps: 1e-6 };
    const x = randomTensor([3, 5], 14);
    const weights = randomWeights(mlp, { params, inputs: { x } }, 51);
    expect(Object.keys(weights)).toEqual(['layers.0.weight', 'layers.1.weight', 'norm.weight', 'norm.bias']);
    const { outputs } = await runNode(mlp, { params, inputs: { x }, weights });
    expect(relError(f64(outputs['y']!), mlpRef(x, weights, [4, 6], 'tanh', true, 1e-6))).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters from the widths', () => {
    const { n } = analyze({ layers: [512, 256] }, { x: shapeOnly([8, 128]) });
    expect(n.paramCount).toBe(128 * 512 + 512 + 512 * 256 + 256);
    expect(n.outputShapes['y']).toEqual([8, 256]);
  });

  it('rejects an empty layer list and an input without axes', () => {
    const empty = analyze({ layers: [] }, { x: shapeOnly([2, 3]) }).a.problems[0]!;
    expect(empty.code).toBe('MF_SHAPE_INFER');
    expect(empty.at.param).toBe('layers');
    const scalar = analyze({}, { x: shapeOnly([]) }).a.problems[0]!;
    expect(scalar.code).toBe('MF_SHAPE_INFER');
    expect(scalar.at.port).toBe('x');
  });
});
