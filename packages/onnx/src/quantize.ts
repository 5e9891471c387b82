import { floatToHalf, type Tensor } from '@modalflow/core';
import { OnnxDataType } from './dtypes.ts';
import type { OnnxGraph } from './graph.ts';
import { i, type OnnxNode } from './ir.ts';

export interface QuantizeReport {
  /** Matrix products now computed in int8, by node name. */
  quantized: string[];
  /** Matrix products left in float32: both operands are activations (attention scores). */
  kept: number;
  /** Bytes of weights before and after. */
  weightBytes: { before: number; after: number };
}

/**
 * Dynamic int8 quantisation, as onnxruntime's `quantize_dynamic` writes it, in standard ONNX
 * ops: every MatMul whose right operand is a float32 weight (an initializer, or the Transpose
 * of one, as ModalFlow and PyTorch's Linear write it) becomes
 *
 *   DynamicQuantizeLinear(x) -> x_q (uint8), x_scale, x_zero
 *   MatMulInteger(x_q, W_q, x_zero) -> int32          W_q int8, symmetric, one scale per column
 *   Cast(float) · (x_scale · w_scale[n])
 *
 * onnxruntime fuses that chain into one int8 kernel (MatMulIntegerToFloat, VNNI on CPUs that
 * have it). Weights are rounded to the nearest of 255 levels per output column; activations
 * get one scale per tensor, computed at run time. Other ops keep their float32 inputs.
 */
export function quantizeInt8(graph: OnnxGraph): QuantizeReport {
  const producers = producerMap(graph.nodes);
  const report: QuantizeReport = { quantized: [], kept: 0, weightBytes: { before: weightBytes(graph), after: 0 } };
  const dynamic = new Map<string, string[]>(); // activation -> [x_q, x_scale, x_zero]
  const out: OnnxNode[] = [];
  const take = (fn: () => void) => {
    const start = graph.nodes.length;
    fn();
    // OnnxGraph appends; the new nodes go where the MatMul was, keeping the order topological.
    out.push(...graph.nodes.splice(start));
  };
  const original = graph.nodes.splice(0);
  for (const node of original) {
    const weight = node.opType === 'MatMul' && !node.domain ? weightOf(graph, producers, node.inputs[1]!) : undefined;
    if (!weight) {
      if (node.opType === 'MatMul') report.kept++;
      out.push(node);
      continue;
    }
    const [K, N] = weight.dims as [number, number];
    const { q, scale } = quantizeColumns(weight.data, K, N);
    const x = node.inputs[0]!;
    take(() => {
      let dq = dynamic.get(x);
      if (!dq) {
        dq = graph.opNOf('', 'DynamicQuantizeLinear', [x], 3, {}, { name: `${node.name}_quant` });
        dynamic.set(x, dq);
      }
      const wq = graph.unique(`${node.name}_W_int8`);
      graph.initializers.set(wq, { dtype: 'int8', dims: [K, N], data: q });
      const ws = graph.unique(`${node.name}_W_scale`);
      graph.initializers.set(ws, { dtype: 'float32', dims: [N], data: scale });
      const acc = graph.opOf('', 'MatMulInteger', [dq[0]!, wq, dq[2]!], {}, { name: `${node.name}_int8` });
      const wide = graph.opOf('', 'Cast', [acc], { to: i(OnnxDataType.FLOAT) });
      const s = graph.opOf('', 'Mul', [dq[1]!, ws]);
      graph.nodes.push({ opType: 'Mul', name: graph.unique(`${node.name}_rescale`), inputs: [wide, s], outputs: [node.outputs[0]!], attrs: {} });
    });
    report.quantized.push(node.name);
  }
  graph.nodes.push(...out);
  prune(graph);
  report.weightBytes.after = weightBytes(graph);
  return report;
}

export interface Float16Report {
  /** Initializers now stored in float16. */
  weights: number;
  weightBytes: { before: number; after: number };
}

/**
 * A float16 model in the form Hugging Face's `_fp16` exports have on the outside: float16
 * inputs, outputs and weights (half the file). Inside, each float16 weight and input is cast
 * to float32 once, and results are cast back at the end, so every op computes in float32 on
 * any execution provider; onnxruntime folds the weight casts when it opens the session, so the
 * casts cost nothing per run. Values beyond float16's range (±65504) are clamped.
 */
export function toFloat16(graph: OnnxGraph): Float16Report {
  const before = weightBytes(graph);
  let weights = 0;
  const rename = new Map<string, string>();
  const head: OnnxNode[] = [];
  const cast = (from: string, to: string, type: number): OnnxNode => ({
    opType: 'Cast', name: graph.unique(`${to}_cast`), inputs: [from], outputs: [to], attrs: { to: i(type) },
  });
  for (const [name, t] of [...graph.initializers]) {
    if (t.dtype !== 'float32') continue;
    graph.initializers.set(name, halve(t));
    weights++;
    // The float16 weight keeps its name for tools that read weights by name; ops read the cast.
    const wide = graph.unique(`${name}_f32`);
    rename.set(name, wide);
    head.push(cast(name, wide, OnnxDataType.FLOAT));
  }
  for (const v of graph.inputs) {
    if (v.dtype !== 'float32' || graph.initializers.has(v.name)) continue;
    v.dtype = 'float16';
    const wide = graph.unique(`${v.name}_f32`);
    rename.set(v.name, wide);
    head.push(cast(v.name, wide, OnnxDataType.FLOAT));
  }
  for (const n of graph.nodes) n.inputs = n.inputs.map((x) => rename.get(x) ?? x);
  const tail: OnnxNode[] = [];
  for (const o of graph.outputs) {
    if (o.dtype !== 'float32') continue;
    // The producer now writes a float32 value under a new name; the output keeps its own.
    const wide = graph.unique(`${o.name}_f32`);
    for (const n of graph.nodes) n.outputs = n.outputs.map((x) => (x === o.name ? wide : x));
    for (const n of graph.nodes) n.inputs = n.inputs.map((x) => (x === o.name ? wide : x));
    o.dtype = 'float16';
    tail.push(cast(wide, o.name, OnnxDataType.FLOAT16));
  }
  graph.nodes.unshift(...head);
  graph.nodes.push(...tail);
  return { weights, weightBytes: { before, after: weightBytes(graph) } };
}

function halve(t: Tensor): Tensor {
  const src = t.data as Float32Array;
  const out = new Uint16Array(src.length);
  for (let k = 0; k < src.length; k++) out[k] = floatToHalf(Math.max(-65504, Math.min(65504, src[k]!)));
  return { dtype: 'float16', dims: t.dims, data: out };
}

/** Per-column symmetric int8: scale[n] = max|W[:, n]| / 127, q = round(W / scale). */
export function quantizeColumns(w: Float32Array, K: number, N: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) scale[n] = Math.max(scale[n]!, Math.abs(w[k * N + n]!));
  }
  for (let n = 0; n < N; n++) scale[n] = scale[n]! > 0 ? scale[n]! / 127 : 1;
  const q = new Int8Array(K * N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) q[k * N + n] = Math.max(-127, Math.min(127, Math.round(w[k * N + n]! / scale[n]!)));
  }
  return { q, scale };
}

function producerMap(nodes: readonly OnnxNode[]): Map<string, OnnxNode> {
  const m = new Map<string, OnnxNode>();
  for (const n of nodes) for (const o of n.outputs) m.set(o, n);
  return m;
}

/** The float32 [K, N] matrix a MatMul multiplies by, when it is a weight of the file. */
function weightOf(graph: OnnxGraph, producers: Map<string, OnnxNode>, name: string): { dims: number[]; data: Float32Array } | undefined {
  const direct = graph.initializers.get(name);
  if (direct) return direct.dtype === 'float32' && direct.dims.length === 2 ? { dims: direct.dims, data: direct.data as Float32Array } : undefined;
  const p = producers.get(name);
  if (!p || p.opType !== 'Transpose' || p.domain) return undefined;
  const t = graph.initializers.get(p.inputs[0]!);
  if (!t || t.dtype !== 'float32' || t.dims.length !== 2) return undefined;
  const perm = p.attrs['perm'];
  if (perm && !(perm.kind === 'ints' && Number(perm.value[0]) === 1 && Number(perm.value[1]) === 0)) return undefined;
  const [R, C] = t.dims as [number, number];
  const src = t.data as Float32Array;
  const data = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) data[c * R + r] = src[r * C + c]!;
  return { dims: [C, R], data };
}

/** Drops nodes nothing reads (the weights' Transposes) and initializers nothing uses. */
function prune(graph: OnnxGraph): void {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  for (;;) {
    const used = new Set<string>([...outputs, ...graph.nodes.flatMap((n) => n.inputs), ...subgraphReads(graph.nodes)]);
    const before = graph.nodes.length;
    const keep = graph.nodes.filter((n) => n.outputs.some((o) => used.has(o)));
    graph.nodes.splice(0, graph.nodes.length, ...keep);
    if (keep.length === before) {
      for (const name of [...graph.initializers.keys()]) if (!used.has(name)) graph.initializers.delete(name);
      graph.inputs.splice(0, graph.inputs.length, ...graph.inputs.filter((v) => !graph.initializers.has(v.name) || used.has(v.name)));
      return;
    }
  }
}

/** Names read inside If/Loop bodies, which may refer to the outer graph's values. */
function subgraphReads(nodes: readonly OnnxNode[]): string[] {
  const names: string[] = [];
  for (const n of nodes) {
    for (const a of Object.values(n.attrs)) {
      if (a.kind !== 'graph') continue;
      names.push(...a.value.nodes.flatMap((m) => m.inputs), ...subgraphReads(a.value.nodes), ...a.value.outputs.map((o) => o.name));
    }
  }
  return names;
}

function weightBytes(graph: OnnxGraph): number {
  let total = 0;
  for (const t of graph.initializers.values()) {
    if (t.dtype === 'string') continue;
    total += (t.data as { byteLength: number }).byteLength;
  }
  return total;
}
