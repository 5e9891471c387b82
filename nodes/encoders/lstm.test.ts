import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, int64, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import lstm from './lstm.ts';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * torch.nn.LSTM (batch_first) from its equations, gates stacked (i, f, g, o) in the weights.
 * Example b is read for its first lengths[b] positions; outputs beyond are 0.
 */
function lstmRef(
  x: Float64Array, B: number, T: number, D: number, H: number, layers: number, bidirectional: boolean,
  get: (n: string) => Float64Array | undefined, lengths: number[],
): { seq: Float64Array; final: Float64Array } {
  const dirs = bidirectional ? ['', '_reverse'] : [''];
  const O = H * dirs.length;
  let input = x;
  let width = D;
  let final = new Float64Array(B * O);
  for (let k = 0; k < layers; k++) {
    const out = new Float64Array(B * T * O);
    final = new Float64Array(B * O);
    dirs.forEach((sfx, di) => {
      const wih = get(`weight_ih_l${k}${sfx}`)!;
      const whh = get(`weight_hh_l${k}${sfx}`)!;
      const bih = get(`bias_ih_l${k}${sfx}`);
      const bhh = get(`bias_hh_l${k}${sfx}`);
      for (let b = 0; b < B; b++) {
        let h = new Array<number>(H).fill(0);
        let c = new Array<number>(H).fill(0);
        const L = lengths[b]!;
        const steps = [...Array(L).keys()];
        if (sfx) steps.reverse();
        for (const t of steps) {
          const pre = new Array<number>(4 * H).fill(0);
          for (let r = 0; r < 4 * H; r++) {
            let acc = (bih?.[r] ?? 0) + (bhh?.[r] ?? 0);
            for (let e = 0; e < width; e++) acc += wih[r * width + e]! * input[(b * T + t) * width + e]!;
            for (let e = 0; e < H; e++) acc += whh[r * H + e]! * h[e]!;
            pre[r] = acc;
          }
          const nh: number[] = [];
          const nc: number[] = [];
          for (let j = 0; j < H; j++) {
            const ig = sigmoid(pre[j]!);
            const fg = sigmoid(pre[H + j]!);
            const gg = Math.tanh(pre[2 * H + j]!);
            const og = sigmoid(pre[3 * H + j]!);
            nc.push(fg * c[j]! + ig * gg);
            nh.push(og * Math.tanh(nc[j]!));
          }
          h = nh;
          c = nc;
          for (let j = 0; j < H; j++) out[(b * T + t) * O + di * H + j] = h[j]!;
        }
        for (let j = 0; j < H; j++) final[b * O + di * H + j] = h[j]!;
      }
    });
    input = out;
    width = O;
  }
  return { seq: input, final };
}

function maskOf(lengths: number[], T: number): Tensor {
  return int64([lengths.length, T], lengths.flatMap((L) => Array.from({ length: T }, (_, t) => (t < L ? 1 : 0))));
}

describe('encoder.lstm', () => {
  it('one forward layer equals the LSTM equations at every step', async () => {
    const x = randomTensor([2, 4, 3], 1, 2);
    const params = { hidden: 5 };
    const weights = randomWeights(lstm, { params, inputs: { x } }, 2, 0.6);
    const { outputs } = await runNode(lstm, { params, inputs: { x }, weights });
    expect(outputs['sequence']!.dims).toEqual([2, 4, 5]);
    expect(outputs['final']!.dims).toEqual([2, 5]);
    const ref = lstmRef(f64(x), 2, 4, 3, 5, 1, false, (n) => (weights[n] ? f64(weights[n]!) : undefined), [4, 4]);
    expect(relError(f64(outputs['sequence']!), ref.seq)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['final']!), ref.final)).toBeLessThanOrEqual(1e-5);
  });

  it('two bidirectional layers over padded sequences (mask), as pack_padded_sequence', async () => {
    const x = randomTensor([3, 5, 4], 3, 1.5);
    const lengths = [5, 2, 3];
    const params = { hidden: 3, layers: 2, bidirectional: true };
    const inputs = { x, mask: maskOf(lengths, 5) };
    const weights = randomWeights(lstm, { params, inputs }, 4, 0.6);
    expect(weights['weight_ih_l1_reverse']!.dims).toEqual([12, 6]);
    const { outputs } = await runNode(lstm, { params, inputs, weights });
    expect(outputs['sequence']!.dims).toEqual([3, 5, 6]);
    const ref = lstmRef(f64(x), 3, 5, 4, 3, 2, true, (n) => (weights[n] ? f64(weights[n]!) : undefined), lengths);
    expect(relError(f64(outputs['sequence']!), ref.seq)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['final']!), ref.final)).toBeLessThanOrEqual(1e-5);
  });

  it('takes lengths instead of a mask, and runs without biases', async () => {
    const x = randomTensor([2, 4, 2], 5);
    const params = { hidden: 4, bias: false };
    const inputs = { x, lengths: int64([2], [1, 3]) };
    const weights = randomWeights(lstm, { params, inputs }, 6, 0.6);
    expect(Object.keys(weights)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    const { outputs } = await runNode(lstm, { params, inputs, weights });
    const ref = lstmRef(f64(x), 2, 4, 2, 4, 1, false, (n) => (weights[n] ? f64(weights[n]!) : undefined), [1, 3]);
    expect(relError(f64(outputs['sequence']!), ref.seq)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['final']!), ref.final)).toBeLessThanOrEqual(1e-5);
  });

  it('has torch.nn.LSTM\'s parameters: TFN\'s text LSTM(300, 128) 220,160; 2-layer bidirectional by formula', () => {
    const tfn = analyzeNode(lstm, { x: shapeOnly([1, 20, 300]) }, { hidden: 128 }).info;
    expect(Object.keys(tfn.weights)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect(tfn.paramCount).toBe(220_160);
    const bi = analyzeNode(lstm, { x: shapeOnly([1, 7, 10]) }, { hidden: 8, layers: 2, bidirectional: true }).info;
    const layer = (inp: number) => 2 * (4 * 8 * inp + 4 * 8 * 8 + 8 * 8);
    expect(bi.paramCount).toBe(layer(10) + layer(16));
    expect(bi.outputShapes['final']).toEqual([1, 16]);
  });

  it('rejects a pooled input, a mask of another length, and mask with lengths', () => {
    const rank = analyzeNode(lstm, { x: shapeOnly([2, 300]) }).problems[0]!;
    expect(rank.code).toBe('MF_SHAPE_MISMATCH');
    expect(rank.message).toMatch(/"x"/);
    const mask = analyzeNode(lstm, { x: shapeOnly([2, 5, 3]), mask: shapeOnly([2, 6], 'int64') }).problems[0]!;
    expect(mask.code).toBe('MF_SHAPE_MISMATCH');
    expect(mask.message).toMatch(/"mask"/);
    const both = analyzeNode(lstm, { x: shapeOnly([2, 5, 3]), mask: shapeOnly([2, 5], 'int64'), lengths: shapeOnly([2], 'int64') }).problems[0]!;
    expect(both.code).toBe('MF_SHAPE_INFER');
    expect(both.at.port).toBe('lengths');
  });
});
