import type { Tensor } from '@modalflow/core';
import { OnnxDataType, type Attr, type OnnxGraph, type OnnxNode } from '@modalflow/onnx';
import { inferTypes } from '../infer.ts';

function widen(t: Tensor): Tensor {
  return t.dtype === 'float32' ? { dtype: 'float64', dims: [...t.dims], data: Float64Array.from(t.data as Float32Array) } : t;
}

/**
 * Ops onnxruntime's CPU provider has no double kernel for. They run in float32 between casts,
 * which is only exact enough upstream of every weight (image resizing before a patch embedding).
 */
const FLOAT_ONLY = new Set(['Resize']);

/**
 * Rewrites a float32 graph to float64 in place (inputs, initializers, casts, constant
 * attributes), so finite differences and analytic gradients can be compared in double precision.
 */
export function toDouble(g: OnnxGraph): OnnxGraph {
  convAsGather(g);
  erfAsSeries(g);
  for (const v of g.inputs) if (v.dtype === 'float32') v.dtype = 'float64';
  for (const o of g.outputs) if (o.dtype === 'float32') o.dtype = 'float64';
  for (const [name, t] of [...g.initializers]) g.initializers.set(name, widen(t));
  for (const node of g.nodes) {
    for (const [name, a] of Object.entries(node.attrs)) {
      if (a.kind === 'tensor') node.attrs[name] = { kind: 'tensor', value: widen(a.value) } as Attr;
      if (node.opType === 'Cast' && name === 'to' && a.kind === 'int' && Number(a.value) === OnnxDataType.FLOAT) {
        node.attrs[name] = { kind: 'int', value: OnnxDataType.DOUBLE };
      }
      if (a.kind === 'graph') toDouble(a.value);
    }
  }
  wrapFloatOnly(g);
  return g;
}

function wrapFloatOnly(g: OnnxGraph): void {
  const nodes = [...g.nodes];
  g.nodes.length = 0;
  for (const node of nodes) {
    if (!FLOAT_ONLY.has(node.opType)) {
      g.nodes.push(node);
      continue;
    }
    const inputs = node.inputs.map((v, k) => {
      if (v === '' || (node.opType === 'Resize' && k > 2)) return v;
      const name = g.unique(`${v}_f32`);
      g.nodes.push({ opType: 'Cast', name: g.unique(`${node.name}_in${k}`), inputs: [v], outputs: [name], attrs: { to: { kind: 'int', value: OnnxDataType.FLOAT } } });
      return name;
    });
    const outputs = node.outputs.map((o) => g.unique(`${o}_f32`));
    g.nodes.push({ ...node, inputs, outputs });
    node.outputs.forEach((o, k) => {
      g.nodes.push({ opType: 'Cast', name: g.unique(`${node.name}_out${k}`), inputs: [outputs[k]!], outputs: [o], attrs: { to: { kind: 'int', value: OnnxDataType.DOUBLE } } });
    });
  }
}

/**
 * onnxruntime has no double Conv either, and a Conv holds weights, so casting around it would
 * spoil the check. It is rewritten as what it computes: the input's patches gathered by
 * precomputed indices (im2col), times the flattened kernel. 1-D or 2-D, group 1, any stride,
 * padding and dilation; shapes must be concrete.
 */
function convAsGather(g: OnnxGraph): void {
  if (!g.nodes.some((n) => n.opType === 'Conv')) return;
  const { types } = inferTypes(g);
  const nodes = [...g.nodes];
  g.nodes.length = 0;
  const emit = (opType: string, inputs: string[], attrs: OnnxNode['attrs'] = {}, output?: string) => {
    const out = output ?? g.unique(`${opType}_im2col`);
    g.nodes.push({ opType, name: g.unique(`im2col_${opType}`), inputs, outputs: [out], attrs });
    return out;
  };
  const i64 = (values: number[]) => g.constant({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, BigInt) }, 'im2col');
  for (const node of nodes) {
    if (node.opType !== 'Conv') {
      g.nodes.push(node);
      continue;
    }
    const rank = types.get(node.inputs[0]!)!.shape.length;
    const group = node.attrs['group'];
    if ((group && Number(group.value) !== 1) || (rank !== 3 && rank !== 4)) throw new Error('toDouble: only 1-D and 2-D group-1 Conv is rewritten');
    // A 1-D Conv is a 2-D one over pictures one row high.
    const oneD = rank === 3;
    const xShape = types.get(node.inputs[0]!)!.shape as number[];
    const kShape = types.get(node.inputs[1]!)!.shape as number[];
    const [nn, cc0, hh, ww] = oneD ? [xShape[0]!, xShape[1]!, 1, xShape[2]!] : xShape;
    const [co, ci, kh, kw] = oneD ? [kShape[0]!, kShape[1]!, 1, kShape[2]!] : kShape;
    const ints = (name: string, fallback: number[]) => {
      const a = node.attrs[name];
      return a && a.kind === 'ints' ? a.value.map(Number) : fallback;
    };
    const [sh, sw] = (oneD ? [1, ...ints('strides', [1])] : ints('strides', [1, 1])) as [number, number];
    const [dh, dw] = (oneD ? [1, ...ints('dilations', [1])] : ints('dilations', [1, 1])) as [number, number];
    const [pt, pl, pb, pr] = (oneD ? (([a, b]) => [0, a, 0, b])(ints('pads', [0, 0])) : ints('pads', [0, 0, 0, 0])) as [number, number, number, number];
    const hp = hh! + pt + pb;
    const wp = ww! + pl + pr;
    const ho = Math.floor((hp - dh * (kh! - 1) - 1) / sh) + 1;
    const wo = Math.floor((wp - dw * (kw! - 1) - 1) / sw) + 1;
    const idx: number[] = [];
    for (let cc = 0; cc < ci!; cc++)
      for (let a = 0; a < kh!; a++)
        for (let b = 0; b < kw!; b++)
          for (let y = 0; y < ho; y++) for (let x = 0; x < wo; x++) idx.push(cc * hp * wp + (y * sh + a * dh) * wp + (x * sw + b * dw));
    const x4 = oneD ? emit('Reshape', [node.inputs[0]!, i64([nn!, cc0!, 1, ww!])]) : node.inputs[0]!;
    const padded = emit('Pad', [x4, i64([0, 0, pt, pl, 0, 0, pb, pr])]);
    const flat = emit('Reshape', [padded, i64([nn!, cc0! * hp * wp])]);
    const patches = emit('Reshape', [emit('Gather', [flat, i64(idx)], { axis: { kind: 'int', value: 1 } }), i64([nn!, ci! * kh! * kw!, ho * wo])]);
    const kernel = emit('Reshape', [node.inputs[1]!, i64([co!, ci! * kh! * kw!])]);
    let y = emit('MatMul', [kernel, patches]);
    if (node.inputs[2]) y = emit('Add', [y, emit('Reshape', [node.inputs[2], i64([co!, 1])])]);
    emit('Reshape', [y, i64(oneD ? [nn!, co!, wo] : [nn!, co!, ho, wo])], {}, node.outputs[0]);
  }
}

/**
 * onnxruntime has no double Erf, and GELU puts one between weights and the loss, where float32
 * casts would swamp a finite difference. It is rewritten as its Maclaurin series,
 * erf x = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), on x clipped to [-4, 4] (where
 * erf is within 2e-8 of +-1 and its slope below 2e-7); 70 terms by Horner's rule in x^2 keep
 * it within about 1e-11 of erf there. Erf's own rule is checked op by op in float32.
 */
function erfAsSeries(g: OnnxGraph): void {
  if (!g.nodes.some((n) => n.opType === 'Erf')) return;
  const nodes = [...g.nodes];
  g.nodes.length = 0;
  const emit = (opType: string, inputs: string[], output?: string) => {
    const out = output ?? g.unique(`${opType}_erf`);
    g.nodes.push({ opType, name: g.unique(`erf_series_${opType}`), inputs, outputs: [out], attrs: {} });
    return out;
  };
  const scalar = (v: number) => g.constant({ dtype: 'float64', dims: [], data: Float64Array.of(v) }, 'erf_c');
  const terms = 70;
  const coef: number[] = [];
  let fact = 1;
  for (let n = 0; n < terms; n++) {
    if (n > 0) fact *= n;
    coef.push((n % 2 ? -1 : 1) / (fact * (2 * n + 1)));
  }
  for (const node of nodes) {
    if (node.opType !== 'Erf') {
      g.nodes.push(node);
      continue;
    }
    const x = emit('Max', [emit('Min', [node.inputs[0]!, scalar(4)]), scalar(-4)]);
    const z = emit('Mul', [x, x]);
    let p = scalar(coef[terms - 1]!);
    for (let n = terms - 2; n >= 0; n--) p = emit('Add', [emit('Mul', [p, z]), scalar(coef[n]!)]);
    emit('Mul', [emit('Mul', [x, p]), scalar(2 / Math.sqrt(Math.PI))], node.outputs[0]);
  }
}
