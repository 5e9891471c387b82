import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode, softmaxRef } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import causal from './causal-intervention.ts';

function priorRef(kind: string, K: number, w?: Float64Array): number[] {
  if (kind === 'uniform') return new Array<number>(K).fill(1 / K);
  if (kind === 'frequency') {
    const s = w!.reduce((a, v) => a + v, 0);
    return Array.from(w!, (v) => v / s);
  }
  const m = Math.max(...w!);
  const e = Array.from(w!, (v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

/** Σ_k P(z_k) softmax(W [x ; z_k] + b), the backdoor sum written out; and the NWGM form. */
function backdoorRef(x: Float64Array, B: number, D: number, Dz: number, K: number, C: number, get: (n: string) => Float64Array, prior: number[]) {
  const Z = get('dictionary');
  const W = get('classifier.weight');
  const bias = get('classifier.bias');
  const classify = (v: number[]) => {
    const out: number[] = [];
    for (let c = 0; c < C; c++) {
      let acc = bias[c]!;
      for (let e = 0; e < D + Dz; e++) acc += W[c * (D + Dz) + e]! * v[e]!;
      out.push(acc);
    }
    return out;
  };
  const exact = new Float64Array(B * C);
  const nwgm: number[] = [];
  const rep: number[] = [];
  const ez = new Array<number>(Dz).fill(0);
  for (let k = 0; k < K; k++) for (let e = 0; e < Dz; e++) ez[e] = ez[e]! + prior[k]! * Z[k * Dz + e]!;
  for (let b = 0; b < B; b++) {
    const xb = Array.from(x.slice(b * D, (b + 1) * D));
    for (let k = 0; k < K; k++) {
      const p = softmaxRef(classify([...xb, ...Array.from(Z.slice(k * Dz, (k + 1) * Dz))]), C);
      for (let c = 0; c < C; c++) exact[b * C + c] = exact[b * C + c]! + prior[k]! * p[c]!;
    }
    nwgm.push(...classify([...xb, ...ez]));
    rep.push(...xb, ...ez);
  }
  return { exact, nwgmLogits: Float64Array.from(nwgm), rep: Float64Array.from(rep) };
}

describe('reasoning.causal_intervention', () => {
  for (const prior of ['uniform', 'frequency', 'learned'] as const) {
    it(`exact mode equals the float64 backdoor sum (${prior} prior)`, async () => {
      const params = { classes: 4, confounders: 5, confounder_dim: 3, prior };
      const x = randomTensor([2, 6], 1);
      const weights = randomWeights(causal, { params, inputs: { x } }, 2, 0.8);
      if (prior === 'frequency') {
        const d = weights['prior']!.data as Float32Array;
        for (let k = 0; k < d.length; k++) d[k] = d[k]! + 1; // counts must be positive
      }
      const { outputs } = await runNode(causal, { params, inputs: { x }, weights });
      const get = (n: string) => f64(weights[n]!);
      const ref = backdoorRef(f64(x), 2, 6, 3, 5, 4, get, priorRef(prior, 5, weights['prior'] ? get('prior') : undefined));
      expect(outputs['probs']!.dims).toEqual([2, 4]);
      expect(relError(f64(outputs['probs']!), ref.exact)).toBeLessThanOrEqual(1e-5);
      expect(relError(f64(outputs['logits']!), ref.exact.map(Math.log))).toBeLessThanOrEqual(1e-5);
      expect(outputs['representation']!.dims).toEqual([2, 9]);
      expect(relError(f64(outputs['representation']!), ref.rep)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('nwgm mode classifies [x ; E_z z] once', async () => {
    const params = { classes: 3, confounders: 4, mode: 'nwgm', prior: 'learned' };
    const x = randomTensor([3, 5], 3);
    const weights = randomWeights(causal, { params, inputs: { x } }, 4, 0.8);
    const { outputs } = await runNode(causal, { params, inputs: { x }, weights });
    const get = (n: string) => f64(weights[n]!);
    const ref = backdoorRef(f64(x), 3, 5, 5, 4, 3, get, priorRef('learned', 4, get('prior')));
    expect(relError(f64(outputs['logits']!), ref.nwgmLogits)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['probs']!), softmaxRef(ref.nwgmLogits, 3))).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['representation']!), ref.rep)).toBeLessThanOrEqual(1e-5);
  });

  it('attention mode is VC R-CNN\'s z_dic: z(x) = sum_k P(z_k) softmax_k(W_y x . W_z z_k / sqrt E) z_k, then the classifier on [x ; z(x)]', async () => {
    const params = { classes: 3, confounders: 4, confounder_dim: 5, mode: 'attention', embedding: 2, prior: 'frequency' };
    const x = randomTensor([3, 6], 7);
    const weights = randomWeights(causal, { params, inputs: { x } }, 8, 0.8);
    const pd = weights['prior']!.data as Float32Array;
    for (let k = 0; k < pd.length; k++) pd[k] = pd[k]! + 1;
    const { outputs } = await runNode(causal, { params, inputs: { x }, weights });
    const get = (n: string) => f64(weights[n]!);
    const [Z, Wy, by, Wz, bz, Wc, bc] = ['dictionary', 'Wy.weight', 'Wy.bias', 'Wz.weight', 'Wz.bias', 'classifier.weight', 'classifier.bias'].map(get) as Float64Array[];
    const prior = priorRef('frequency', 4, get('prior'));
    const xs = f64(x);
    const keys = [0, 1, 2, 3].map((k) => [0, 1].map((e) => { let a = bz![e]!; for (let j = 0; j < 5; j++) a += Wz![e * 5 + j]! * Z![k * 5 + j]!; return a; }));
    const rep: number[] = [];
    const logits: number[] = [];
    for (let b = 0; b < 3; b++) {
      const xb = Array.from(xs.slice(b * 6, b * 6 + 6));
      const q = [0, 1].map((e) => { let a = by![e]!; for (let j = 0; j < 6; j++) a += Wy![e * 6 + j]! * xb[j]!; return a; });
      const att = softmaxRef(keys.map((kk) => (q[0]! * kk[0]! + q[1]! * kk[1]!) / Math.sqrt(2)), 4);
      const z = [0, 1, 2, 3, 4].map((j) => [0, 1, 2, 3].reduce((acc, k) => acc + prior[k]! * att[k]! * Z![k * 5 + j]!, 0));
      const v = [...xb, ...z];
      rep.push(...v);
      for (let c = 0; c < 3; c++) logits.push(v.reduce((acc, vi, j) => acc + Wc![c * 11 + j]! * vi, bc![c]!));
    }
    expect(relError(f64(outputs['representation']!), rep)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['logits']!), logits)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['probs']!), softmaxRef(logits, 3))).toBeLessThanOrEqual(1e-5);
  });

  it('declares the dictionary and a frequency prior as buffers, not parameters', () => {
    const { info } = analyzeNode(causal, { x: shapeOnly([1, 1024]) }, { classes: 1601, confounders: 1600, confounder_dim: 2048, prior: 'frequency' });
    expect(info.weights['dictionary']!.shape).toEqual([1600, 2048]);
    expect(info.weights['dictionary']!.buffer).toBe(true);
    expect(info.weights['prior']!.buffer).toBe(true);
    expect(info.weights['classifier.weight']!.shape).toEqual([1601, 1024 + 2048]);
    expect(info.paramCount).toBe(1601 * 3072 + 1601);
    const learned = analyzeNode(causal, { x: shapeOnly([1, 8]) }, { classes: 2, confounders: 3, prior: 'learned' }).info;
    expect(learned.paramCount).toBe(3 + 2 * 16 + 2);
  });

  it('has the parameters of VC R-CNN\'s CausalPredictor (1024-d, EMBEDDING 1024): causal_score + Wy + Wz', () => {
    const { info } = analyzeNode(causal, { x: shapeOnly([1, 1024]) }, { classes: 3129, confounders: 80, confounder_dim: 1024, mode: 'attention', embedding: 1024, prior: 'frequency' });
    expect(info.paramCount).toBe(3129 * 2048 + 3129 + 2 * (1024 * 1024 + 1024));
  });

  it('rejects a sequence input, naming the port', () => {
    const { problems } = analyzeNode(causal, { x: shapeOnly([2, 3, 4]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(problems[0]?.message).toMatch(/"x"/);
  });
});
