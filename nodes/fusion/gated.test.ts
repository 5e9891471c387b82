import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { f64, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { weights64 } from '../testing/fusion-reference.ts';
import gated from './gated.ts';

/** h_a = tanh(W_a a), h_b = tanh(W_b b), z = sigmoid(W_z [a; b]), h = z h_a + (1 - z) h_b. */
function gmuRef(a: Float64Array, da: number, b: Float64Array, db: number, dim: number, W: (n: string) => Float64Array, bias: boolean) {
  const n = a.length / da;
  const cat = new Float64Array(n * (da + db));
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < da; i++) cat[r * (da + db) + i] = a[r * da + i]!;
    for (let i = 0; i < db; i++) cat[r * (da + db) + da + i] = b[r * db + i]!;
  }
  const ha = linearRef(a, da, W('proj_a.weight'), dim, bias ? W('proj_a.bias') : undefined).map(Math.tanh);
  const hb = linearRef(b, db, W('proj_b.weight'), dim, bias ? W('proj_b.bias') : undefined).map(Math.tanh);
  const z = linearRef(cat, da + db, W('gate.weight'), dim, bias ? W('gate.bias') : undefined).map((v) => 1 / (1 + Math.exp(-v)));
  return { h: z.map((g, k) => g * ha[k]! + (1 - g) * hb[k]!), z };
}

describe('fusion.gated', () => {
  it('mixes tanh projections with a sigmoid gate computed from both inputs', async () => {
    const a = randomTensor([3, 5], 1, 2);
    const b = randomTensor([3, 4], 2, 2);
    const { outputs, weights } = await runNode(gated, { params: { dim: 6 }, inputs: { a, b } });
    expect(Object.keys(weights).sort()).toEqual(['gate.weight', 'proj_a.weight', 'proj_b.weight']);
    expect(weights['gate.weight']!.dims).toEqual([6, 9]);
    const ref = gmuRef(f64(a), 5, f64(b), 4, 6, weights64(weights), false);
    expect(relError(f64(outputs['h']!), ref.h)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['z']!), ref.z)).toBeLessThanOrEqual(1e-5);
  });

  it('works over sequences and with biases', async () => {
    const a = randomTensor([2, 3, 4], 3);
    const b = randomTensor([2, 3, 2], 4);
    const { outputs, weights } = await runNode(gated, { params: { dim: 3, bias: true }, inputs: { a, b } });
    expect(outputs['h']!.dims).toEqual([2, 3, 3]);
    const ref = gmuRef(f64(a), 4, f64(b), 2, 3, weights64(weights), true);
    expect(relError(f64(outputs['h']!), ref.h)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['z']!), ref.z)).toBeLessThanOrEqual(1e-5);
  });

  it('projected gate: z = sigmoid(W_z [W_a a ; W_b b]) on the projections before the tanh (reference code)', async () => {
    const a = randomTensor([3, 5], 5, 2);
    const b = randomTensor([3, 4], 6, 2);
    for (const bias of [false, true]) {
      const { outputs, weights } = await runNode(gated, { params: { dim: 3, gate_input: 'projected', bias }, inputs: { a, b } });
      expect(weights['gate.weight']!.dims).toEqual([3, 6]);
      const W = weights64(weights);
      const pa = linearRef(f64(a), 5, W('proj_a.weight'), 3, bias ? W('proj_a.bias') : undefined);
      const pb = linearRef(f64(b), 4, W('proj_b.weight'), 3, bias ? W('proj_b.bias') : undefined);
      const cat: number[] = [];
      for (let r = 0; r < 3; r++) cat.push(...pa.slice(r * 3, r * 3 + 3), ...pb.slice(r * 3, r * 3 + 3));
      const z = linearRef(cat, 6, W('gate.weight'), 3, bias ? W('gate.bias') : undefined).map((v) => 1 / (1 + Math.exp(-v)));
      const h = z.map((g, k) => g * Math.tanh(pa[k]!) + (1 - g) * Math.tanh(pb[k]!));
      expect(relError(f64(outputs['z']!), z)).toBeLessThanOrEqual(1e-5);
      expect(relError(f64(outputs['h']!), h)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('counts parameters (the paper has no biases) and rejects mismatched batches', () => {
    const reg = registryWith(gated);
    const ok = analyzeGraph(singleNodeGraph(gated, { params: { dim: 512 }, inputs: { a: randomTensor([1, 4096]), b: randomTensor([1, 300]) } }), reg);
    expect(ok.nodes.get('n')!.paramCount).toBe(512 * 4096 + 512 * 300 + 512 * (4096 + 300));
    // gmu-mmimdb: Linear(4096, 512) + Linear(300, 512) without bias, gate W of 1024 x 512.
    const ref = analyzeGraph(singleNodeGraph(gated, { params: { dim: 512, gate_input: 'projected' }, inputs: { a: randomTensor([1, 4096]), b: randomTensor([1, 300]) } }), reg);
    expect(ref.nodes.get('n')!.paramCount).toBe(2_097_152 + 153_600 + 524_288);
    const bad = analyzeGraph(singleNodeGraph(gated, { inputs: { a: randomTensor([2, 4]), b: randomTensor([5, 4]) } }), reg);
    const p = bad.problems.find((q) => q.severity === 'error')!;
    expect(p.code).toBe('MF_SHAPE_INFER');
    expect(p.message).toContain('"b"');
  });
});
