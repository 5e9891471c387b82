import type { Tensor } from '@modalflow/core';
import { OnnxDataType, type Attr, type OnnxGraph } from '@modalflow/onnx';

function widen(t: Tensor): Tensor {
  return t.dtype === 'float32' ? { dtype: 'float64', dims: [...t.dims], data: Float64Array.from(t.data as Float32Array) } : t;
}

/**
 * Rewrites a float32 graph to float64 in place (inputs, initializers, casts, constant
 * attributes), so finite differences and analytic gradients can be compared in double precision.
 */
export function toDouble(g: OnnxGraph): OnnxGraph {
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
  return g;
}
