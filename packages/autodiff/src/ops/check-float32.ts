import type { Tensor } from '@modalflow/core';
import { OnnxGraph } from '@modalflow/onnx';
import { inferTypes } from '../infer.ts';
import { gradCheck, lcg, randomTensor, type GradCheckOptions, type GradCheckResult, type OpCase } from '../testing/gradcheck.ts';

const FLOAT = 1;
const DOUBLE = 11;

/**
 * Gradient check of an op that onnxruntime's CPU provider implements for float32 only (Conv,
 * ConvTranspose, Resize, Erf): the float64 inputs are cast to float32 around the op and its
 * outputs cast back, so the loss, the perturbations and the comparison stay in float64 while
 * the op and the backward nodes of its rule run in float32. The finite-difference step is
 * larger to stay above float32 rounding (the ops checked this way are linear in each input but
 * Erf, so a large step costs them no truncation error); callers compare against a float32-sized
 * tolerance.
 */
export async function checkOpFloat32(c: OpCase, options: GradCheckOptions = {}): Promise<GradCheckResult> {
  const g = new OnnxGraph(`check32_${c.op}`);
  const feeds: Record<string, Tensor> = {};
  const to = (code: number) => ({ to: { kind: 'int' as const, value: code } });
  const names = c.inputs.map((x) => {
    if (x === '') return '';
    const v = x.constant ? g.addInitializer(x.name, x.value) : g.addInput(x.name, x.value.dtype, x.value.dims);
    if (!x.constant) feeds[x.name] = x.value;
    return x.value.dtype === 'float64' ? g.op('Cast', [v], to(FLOAT)) : v;
  });
  const ys = g.opNOf('', c.op, names, c.outputs ?? 1, c.attrs);
  const typed = inferTypes(g, Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.dims] }])));
  const rand = lcg((options.seed ?? 7) + 1);
  const terms = ys
    .filter((y) => typed.types.get(y)!.dtype === 'float32')
    .map((y) => {
      const dims = typed.types.get(y)!.shape as number[];
      const r = g.constant(randomTensor(dims, rand), 'r');
      return g.op('ReduceSum', [g.op('Mul', [g.op('Cast', [y], to(DOUBLE)), r])], { keepdims: { kind: 'int', value: 0 } });
    });
  const loss = terms.length === 1 ? terms[0]! : g.op('Sum', terms);
  const wrt = Object.keys(feeds).filter((k) => feeds[k]!.dtype === 'float64');
  return gradCheck(g, loss, feeds, wrt, { h: 1e-2, floor: 1e-3, ...options });
}
