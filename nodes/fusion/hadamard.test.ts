import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { act, f64, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { weights64 } from '../testing/fusion-reference.ts';
import hadamard from './hadamard.ts';

describe('fusion.hadamard', () => {
  it('computes tanh(W_a a + b_a) ⊙ tanh(W_b b + b_b)', async () => {
    const a = randomTensor([2, 3, 5], 1);
    const b = randomTensor([2, 3, 4], 2);
    const { outputs, weights } = await runNode(hadamard, { params: { dim: 6 }, inputs: { a, b } });
    expect(outputs['h']!.dims).toEqual([2, 3, 6]);
    const W = weights64(weights);
    const pa = linearRef(f64(a), 5, W('linear0.weight'), 6, W('linear0.bias'));
    const pb = linearRef(f64(b), 4, W('linear1.weight'), 6, W('linear1.bias'));
    expect(relError(f64(outputs['h']!), pa.map((v, k) => Math.tanh(v) * Math.tanh(pb[k]!)))).toBeLessThanOrEqual(1e-5);
  });

  it('applies the output layer and another activation (MMF mlb with relu)', async () => {
    const a = randomTensor([4, 3], 3);
    const b = randomTensor([4, 2], 4);
    const { outputs, weights } = await runNode(hadamard, { params: { dim: 5, out: 2, activation: 'relu' }, inputs: { a, b } });
    expect(outputs['h']!.dims).toEqual([4, 2]);
    const W = weights64(weights);
    const pa = linearRef(f64(a), 3, W('linear0.weight'), 5, W('linear0.bias'));
    const pb = linearRef(f64(b), 2, W('linear1.weight'), 5, W('linear1.bias'));
    const h = pa.map((v, k) => act['relu']!(v) * act['relu']!(pb[k]!));
    expect(relError(f64(outputs['h']!), linearRef(h, 5, W('linear_out.weight'), 2, W('linear_out.bias')))).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters as MMF mlb (2048 and 768 inputs, mm_dim 1200, 3000 outputs)', () => {
    const info = analyzeGraph(
      singleNodeGraph(hadamard, { params: { dim: 1200, out: 3000 }, inputs: { a: randomTensor([1, 2048]), b: randomTensor([1, 768]) } }),
      registryWith(hadamard),
    ).nodes.get('n')!;
    expect(info.paramCount).toBe(2048 * 1200 + 1200 + 768 * 1200 + 1200 + 1200 * 3000 + 3000);
  });

  it('with dim 0 multiplies the inputs as they are (ViLBERT pooler product), with no weights', async () => {
    const a = randomTensor([3, 5], 5);
    const b = randomTensor([3, 5], 6);
    const { outputs, weights } = await runNode(hadamard, { params: { dim: 0, activation: 'relu' }, inputs: { a, b } });
    expect(Object.keys(weights)).toEqual([]);
    expect(outputs['h']!.dims).toEqual([3, 5]);
    const [fa, fb] = [f64(a), f64(b)];
    expect(relError(f64(outputs['h']!), fa.map((v, k) => v * fb[k]!))).toBeLessThanOrEqual(1e-6);
  });

  it('with dim 0 and an output layer computes W_o (a ⊙ b) + b_o', async () => {
    const a = randomTensor([2, 4], 7);
    const b = randomTensor([2, 4], 8);
    const { outputs, weights } = await runNode(hadamard, { params: { dim: 0, out: 3 }, inputs: { a, b } });
    expect(Object.keys(weights)).toEqual(['linear_out.weight', 'linear_out.bias']);
    const W = weights64(weights);
    const [fa, fb] = [f64(a), f64(b)];
    const ref = linearRef(fa.map((v, k) => v * fb[k]!), 4, W('linear_out.weight'), 3, W('linear_out.bias'));
    expect(relError(f64(outputs['h']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('with dim 0 rejects inputs of different widths, naming b', () => {
    const problems = analyzeGraph(
      singleNodeGraph(hadamard, { params: { dim: 0 }, inputs: { a: randomTensor([2, 768]), b: randomTensor([2, 1024]) } }),
      registryWith(hadamard),
    ).problems.filter((p) => p.severity === 'error');
    expect(problems[0]!.code).toBe('MF_SHAPE_INFER');
    expect(problems[0]!.at.port).toBe('b');
    expect(problems[0]!.message).toMatch(/"b" has width 1024 but "a" has 768/);
  });

  it('rejects inputs whose leading axes differ', () => {
    const problems = analyzeGraph(
      singleNodeGraph(hadamard, { inputs: { a: randomTensor([2, 4]), b: randomTensor([3, 4]) } as Record<string, Tensor> }),
      registryWith(hadamard),
    ).problems.filter((p) => p.severity === 'error');
    expect(problems[0]!.code).toBe('MF_SHAPE_INFER');
    expect(problems[0]!.message).toContain('"b"');
  });
});
