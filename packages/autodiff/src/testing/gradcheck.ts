import { numel, type Tensor } from '@modalflow/core';
import { encodeModel, OnnxGraph, type Attr } from '@modalflow/onnx';
import * as ort from 'onnxruntime-node';
import { addGradients } from '../gradients.ts';
import { inferTypes } from '../infer.ts';

export interface GradCheckResult {
  /** Worst |analytic - numeric| / max(|analytic|, |numeric|, floor) over the sampled entries. */
  worst: number;
  checked: number;
  /** Worst error per input. */
  perInput: Record<string, number>;
  /** Gradient values by input name (absent where the rule gave none). */
  grads: Record<string, Float64Array | undefined>;
}

export interface GradCheckOptions {
  /** Entries sampled per input (all of them when the input is smaller). */
  samples?: number;
  /** Finite-difference step. */
  h?: number;
  /** Magnitudes below this count as this, so tiny gradients are compared absolutely. */
  floor?: number;
  seed?: number;
}

/** A deterministic stream in [-1, 1), so checks are reproducible. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

export function randomTensor(dims: number[], rand: () => number, scale = 1): Tensor {
  return { dtype: 'float64', dims, data: Float64Array.from({ length: numel(dims) }, () => rand() * scale) };
}

function toOrt(t: Tensor): ort.Tensor {
  return new ort.Tensor(t.dtype === 'float64' ? 'float64' : (t.dtype as 'float32'), t.data as Float64Array, t.dims);
}

/**
 * Checks reverse-mode gradients of the scalar `loss` of graph `g` (already float64) against
 * central finite differences, for each graph input named in `wrt`.
 */
export async function gradCheck(
  g: OnnxGraph,
  loss: string,
  feeds: Record<string, Tensor>,
  wrt: string[],
  options: GradCheckOptions = {},
): Promise<GradCheckResult> {
  const typed = inferTypes(g, Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.dims] }])));
  const grads = addGradients(typed, loss, wrt);
  g.addOutput(loss);
  const names: Record<string, string> = {};
  for (const [w, gv] of grads) {
    if (gv === undefined) continue;
    const out = `d_${w}`;
    g.identity(gv, out);
    g.addOutput(out);
    names[w] = out;
  }
  // Fusions (QuickGelu, LayerNorm variants) have float-only kernels; double checks run unfused.
  const session = await ort.InferenceSession.create(encodeModel(g, { opset: 17 }), { graphOptimizationLevel: 'disabled' });
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, toOrt(t)]));
  const result = await session.run(ortFeeds);
  const lossAt = async (name: string, index: number, delta: number) => {
    const t = feeds[name]!;
    const data = Float64Array.from(t.data as Float64Array);
    data[index]! += delta;
    const out = await session.run({ ...ortFeeds, [name]: new ort.Tensor('float64', data, t.dims) }, [loss]);
    return Number((out[loss]!.data as Float64Array)[0]);
  };
  const h = options.h ?? 1e-6;
  const floor = options.floor ?? 1e-6;
  const rand = lcg(options.seed ?? 7);
  let worst = 0;
  let checked = 0;
  const perInput: Record<string, number> = {};
  const out: Record<string, Float64Array | undefined> = {};
  for (const w of wrt) {
    const n = numel(feeds[w]!.dims);
    const analytic = names[w] ? (result[names[w]!]!.data as Float64Array) : new Float64Array(n);
    out[w] = names[w] ? analytic : undefined;
    const samples = options.samples ?? 12;
    const picks = n <= samples ? [...Array(n).keys()] : Array.from({ length: samples }, () => Math.floor(((rand() + 1) / 2) * n));
    for (const k of picks) {
      const numeric = ((await lossAt(w, k, h)) - (await lossAt(w, k, -h))) / (2 * h);
      const a = analytic[k]!;
      const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
      if (err > worst) worst = err;
      perInput[w] = Math.max(perInput[w] ?? 0, err);
      checked++;
    }
  }
  await session.release();
  return { worst, checked, perInput, grads: out };
}

export interface OpCase {
  op: string;
  /** Inputs in order: a float64 tensor to differentiate, a constant (axes, shapes, indices), or '' for an omitted one. */
  inputs: ({ name: string; value: Tensor; constant?: boolean } | '')[];
  attrs?: Record<string, Attr>;
  outputs?: number;
}

/**
 * Gradient check of one op: loss = sum_k sum(y_k * r_k) with fixed random r_k, so every output
 * entry gets its own weight in the gradient.
 */
export async function checkOp(c: OpCase, options: GradCheckOptions = {}): Promise<GradCheckResult> {
  const g = new OnnxGraph(`check_${c.op}`);
  const feeds: Record<string, Tensor> = {};
  const names = c.inputs.map((x) => {
    if (x === '') return '';
    if (x.constant) return g.addInitializer(x.name, x.value);
    feeds[x.name] = x.value;
    return g.addInput(x.name, x.value.dtype, x.value.dims);
  });
  const ys = g.opNOf('', c.op, names, c.outputs ?? 1, c.attrs);
  const typed = inferTypes(g, Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.dims] }])));
  const rand = lcg((options.seed ?? 7) + 1);
  const terms = ys
    .filter((y) => typed.types.get(y)!.dtype === 'float64')
    .map((y) => {
      const dims = typed.types.get(y)!.shape as number[];
      const r = g.constant(randomTensor(dims, rand), 'r');
      return g.op('ReduceSum', [g.op('Mul', [y, r])], { keepdims: { kind: 'int', value: 0 } });
    });
  const loss = terms.length === 1 ? terms[0]! : g.op('Sum', terms);
  const wrt = Object.keys(feeds).filter((k) => feeds[k]!.dtype === 'float64');
  return gradCheck(g, loss, feeds, wrt, options);
}
