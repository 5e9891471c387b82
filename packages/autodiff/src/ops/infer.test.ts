import { numel, type Tensor } from '@modalflow/core';
import { encodeModel, OnnxGraph } from '@modalflow/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../infer.ts';
import type { OpCase } from '../testing/gradcheck.ts';
import { CASES, SHAPE_CASES, type GradCase } from './cases.ts';
import { OP_LIST } from './index.ts';

function narrow(t: Tensor): Tensor {
  return t.dtype === 'float64' ? { dtype: 'float32', dims: [...t.dims], data: Float32Array.from(t.data as Float64Array) } : t;
}

function toOrt(t: Tensor): ort.Tensor {
  if (t.dtype === 'bool') return new ort.Tensor('bool', t.data as Uint8Array, t.dims);
  return new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
}

/**
 * Runs one op through the shape rules and through onnxruntime and returns both views of each
 * output: the inferred type (and folded value, if any) and what onnxruntime computed.
 * Float32-only cases run with their float64 inputs narrowed.
 */
async function runBoth(c: GradCase) {
  const g = new OnnxGraph(`infer_${c.op}`);
  const feeds: Record<string, Tensor> = {};
  const names = c.inputs.map((x) => {
    if (x === '') return '';
    const value = c.float32 ? narrow(x.value) : x.value;
    if (x.constant) return g.addInitializer(x.name, value);
    feeds[x.name] = value;
    return g.addInput(x.name, value.dtype, value.dims);
  });
  const ys = g.opNOf('', c.op, names, c.outputs ?? 1, c.attrs);
  // The rules run before the outputs are marked, on a graph onnxruntime has not touched.
  const typed = inferTypes(g, Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.dims] }])));
  for (const y of ys) g.addOutput(y);
  const session = await ort.InferenceSession.create(encodeModel(g, { opset: 17 }));
  const result = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, toOrt(t)])));
  await session.release();
  return ys.map((y) => ({ y, inferred: typed.types.get(y)!, folded: typed.values.get(y), actual: result[y]! }));
}

const numbersOf = (data: ArrayLike<number | bigint | boolean>) => Array.from(data, (v) => Number(v));

function checkCase(c: GradCase) {
  return async () => {
    const outs = await runBoth(c);
    for (const { y, inferred, folded, actual } of outs) {
      expect(inferred.shape, `shape of ${y}`).toEqual([...actual.dims]);
      expect(inferred.dtype, `dtype of ${y}`).toBe(actual.type);
      if (folded) {
        expect(folded.dims, `folded dims of ${y}`).toEqual([...actual.dims]);
        const want = numbersOf(actual.data as ArrayLike<number>);
        const got = numbersOf(folded.data as ArrayLike<number>);
        expect(got.length).toBe(numel([...actual.dims]));
        got.forEach((v, k) => expect(v, `folded ${y}[${k}]`).toBeCloseTo(want[k]!, 6));
      }
    }
  };
}

describe('shape rules agree with onnxruntime', () => {
  for (const [op, cases] of Object.entries(CASES)) {
    cases.forEach((c, k) => it(`${op} #${k + 1}`, checkCase(c)));
  }
  for (const [op, cases] of Object.entries(SHAPE_CASES)) {
    cases.forEach((c, k) => it(`${op} (shape case ${k + 1})`, checkCase(c as OpCase)));
  }

  it('folds of all-constant cases are exercised', async () => {
    let folded = 0;
    for (const cases of Object.values(SHAPE_CASES)) {
      for (const c of cases) if ((await runBoth(c)).some((o) => o.folded)) folded++;
    }
    expect(folded).toBeGreaterThanOrEqual(15);
  });

  it('every op has a shape case', () => {
    const covered = new Set([...Object.keys(CASES), ...Object.keys(SHAPE_CASES)]);
    expect(OP_LIST.map((op) => op.type).filter((t) => !covered.has(t))).toEqual([]);
  });
});
