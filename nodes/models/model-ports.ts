import { tensor, type Dim, type PortSpec } from '@modalflow/core';
import type { ModelInfo, Dim as OnnxDim } from '@modalflow/onnx';
import { MAX_DIM } from './model-file.ts';

export interface ModelPorts {
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  /** The ONNX name of each port: ports must be identifiers, ONNX names need not be. */
  onnx: { inputs: Record<string, string>; outputs: Record<string, string> };
  /** ONNX names of float16 inputs and outputs, shown as float32 ports and converted at the boundary. */
  float16: string[];
}

/** A mistake in the `dims` param; the node turns it into an error on that param. */
export class DimsError extends Error {}

interface DimMap {
  /** By the model's own name for a size (its dim_param), e.g. `sequence_length`. */
  named: Map<string, Dim>;
  /** By position, `tensor[axis]`, for sizes the model leaves unnamed. */
  positional: Map<string, Dim>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A port named like a member of Object.prototype would be found on every port map.
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Parses `batch_size=B, sequence_length=T, input[1]=T, pixels=224`. */
export function parseDims(text: string): DimMap {
  const map: DimMap = { named: new Map(), positional: new Map() };
  for (const raw of text.split(/[,;\n]/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^(.+?)\s*=\s*(.*)$/.exec(entry);
    if (!m || !m[1]) throw new DimsError(`"${entry}" should look like name=SYMBOL or name=size`);
    const [, key, value] = m as unknown as [string, string, string];
    let dim: Dim;
    if (/^\d+$/.test(value)) {
      dim = Number(value);
      if (dim > MAX_DIM) throw new DimsError(`"${entry}": ${value} is over the largest size, ${MAX_DIM}`);
    } else if (IDENT.test(value)) dim = value;
    else throw new DimsError(`"${entry}": "${value}" is neither a size nor a symbol name such as B or T`);
    const pos = /^(.+)\[(\d+)\]$/.exec(key);
    const target = pos ? map.positional : map.named;
    const k = pos ? `${pos[1]}[${Number(pos[2])}]` : key;
    if (target.has(k)) throw new DimsError(`"${key}" is given twice`);
    target.set(k, dim);
  }
  return map;
}

/** Port names for ONNX names: valid identifiers are kept, others made into one, all unique. */
export function portNames(names: readonly string[], fallback: string): string[] {
  const usable = (n: string) => IDENT.test(n) && !RESERVED.has(n);
  const taken = new Set(names.filter(usable));
  return names.map((n, k) => {
    if (usable(n)) return n;
    let base = n.replace(/[^A-Za-z0-9_]+/g, '_');
    if (/^_*$/.test(base)) base = `${fallback}_${k}`;
    if (/^\d/.test(base)) base = `_${base}`;
    if (RESERVED.has(base)) base += '_';
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  });
}

/**
 * The node's ports for a decoded model. Sizes the model names (dim_param) become graph symbols
 * as `dims` says, names containing "batch" become B, and any other size the file leaves open
 * becomes a symbol of this node only (`<node>.<name>`, or `<node>.<port>.<axis>` when unnamed),
 * so it cannot be mistaken for a like-named size of another model.
 */
export function modelPorts(info: ModelInfo, node: string, dimsText: string): ModelPorts {
  const map = parseDims(dimsText);
  const inNames = portNames(info.inputs.map((v) => v.name), 'input');
  const outNames = portNames(info.outputs.map((v) => v.name), 'output');
  const values = [
    ...info.inputs.map((v, k) => ({ ...v, port: inNames[k]! })),
    ...info.outputs.map((v, k) => ({ ...v, port: outNames[k]! })),
  ];
  checkKeys(map, values);

  const resolve = (onnx: string, port: string, axis: number, d: OnnxDim): Dim => {
    const pos = map.positional.get(`${onnx}[${axis}]`) ?? map.positional.get(`${port}[${axis}]`);
    if (pos !== undefined) return pos;
    if (typeof d === 'number') return d;
    if (d) return map.named.get(d) ?? (/batch/i.test(d) ? 'B' : `${node}.${d.replace(/[^A-Za-z0-9_]+/g, '_')}`);
    return `${node}.${port}.${axis}`;
  };
  const spec = (v: { name: string; port: string; dtype?: ModelInfo['inputs'][number]['dtype']; shape?: OnnxDim[] }, role: string) => {
    const shape = v.shape ? v.shape.map((d, axis) => resolve(v.name, v.port, axis, d)) : null;
    const onnxShape = v.shape ? `[${v.shape.map((d) => (d === null || d === '' ? '?' : String(d))).join(', ')}]` : 'of any rank';
    if (v.dtype === 'float16') {
      return tensor('float32', shape, { description: `ONNX ${role} "${v.name}", float16 ${onnxShape} (float32 here, converted at the model's boundary)` });
    }
    return tensor(v.dtype!, shape, { description: `ONNX ${role} "${v.name}", ${v.dtype} ${onnxShape}` });
  };

  const ports: ModelPorts = { inputs: {}, outputs: {}, onnx: { inputs: {}, outputs: {} }, float16: values.filter((v) => v.dtype === 'float16').map((v) => v.name) };
  info.inputs.forEach((v, k) => {
    const port = inNames[k]!;
    ports.inputs[port] = spec({ ...v, port }, 'input');
    ports.onnx.inputs[port] = v.name;
  });
  info.outputs.forEach((v, k) => {
    const port = outNames[k]!;
    ports.outputs[port] = spec({ ...v, port }, 'output');
    ports.onnx.outputs[port] = v.name;
  });
  return ports;
}

/** Every key of `dims` must name something in the model: a typo would otherwise do nothing. */
function checkKeys(map: DimMap, values: { name: string; port: string; shape?: OnnxDim[] }[]): void {
  const named = new Set(values.flatMap((v) => (v.shape ?? []).filter((d): d is string => typeof d === 'string' && d !== '')));
  const known = [...named].sort().join(', ') || 'none';
  for (const key of map.named.keys()) {
    if (!named.has(key)) {
      throw new DimsError(`the model names no size "${key}" (its named sizes: ${known}; set an unnamed one as tensor[axis]=T)`);
    }
  }
  for (const key of map.positional.keys()) {
    const [, tensorName, axisText] = /^(.+)\[(\d+)\]$/.exec(key)!;
    const v = values.find((x) => x.name === tensorName) ?? values.find((x) => x.port === tensorName);
    if (!v) throw new DimsError(`"${key}": the model has no input or output "${tensorName}"`);
    const axis = Number(axisText);
    if (!v.shape || axis >= v.shape.length) {
      throw new DimsError(`"${key}": "${tensorName}" has ${v.shape ? `rank ${v.shape.length}` : 'no recorded shape'}`);
    }
    const d = v.shape[axis];
    if (typeof d === 'number') throw new DimsError(`"${key}": that size is fixed at ${d} by the model`);
  }
}
