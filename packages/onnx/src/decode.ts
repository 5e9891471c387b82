import { ModalflowError, type DType, type Location } from '@modalflow/core';
import { dtypeFromOnnx, onnxDataTypeName } from './dtypes.ts';
import { DEFAULT_OPSET, type ModelOptions } from './encode.ts';
import { OnnxGraph } from './graph.ts';
import { int64ToJs, int64ToSafeNumber } from './int64.ts';
import type { Attr, Dim, OnnxNode, OutputInfo, ValueInfo } from './ir.ts';
import {
  AttributeTypeEnum,
  ModelProto,
  type AttributeMsg,
  type GraphMsg,
  type ModelMsg,
  type TypeMsg,
  type ValueInfoMsg,
} from './onnx.proto.ts';
import { checkTensorMsg, tensorFromMsg } from './tensor-proto.ts';

export interface DecodeOptions {
  /** Named in error messages. */
  file?: string;
  /** Files larger than this are refused before parsing; 2 GiB, protobuf's own limit, by default. */
  maxBytes?: number;
}

export interface OpsetInfo {
  domain: string;
  version: number;
}

export interface ModelInfo {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  opsets: OpsetInfo[];
  /** Inputs a caller must feed; inputs that only give an initializer a type are left out. */
  inputs: ValueInfo[];
  outputs: OutputInfo[];
  metadata: Record<string, string>;
  /** Nodes of the main graph, not counting those inside If/Loop bodies. */
  nodeCount: number;
  initializerCount: number;
  /** Sorted distinct operator types, including those inside subgraphs. */
  opTypes: string[];
}

export const DEFAULT_MAX_BYTES = 2 ** 31;

const ATTR = AttributeTypeEnum.values as Record<string, number>;
const utf8 = new TextDecoder('utf-8');
const has = (m: object, key: string): boolean => Object.prototype.hasOwnProperty.call(m, key);

/** Assigns as an own property, so a key such as "__proto__" from a file stays plain data. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Refuses what is not a file of model bytes, or larger than the limit, before any parsing. */
export function checkModelBytes(bytes: Uint8Array, opts: DecodeOptions): void {
  const at: Location = opts.file === undefined ? {} : { file: opts.file };
  if (!(bytes instanceof Uint8Array)) {
    throw new ModalflowError('ONNX_CORRUPT', 'expected the bytes of an .onnx file', at);
  }
  if (bytes.length === 0) throw new ModalflowError('ONNX_EMPTY', 'the file is empty', at);
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > max) {
    throw new ModalflowError('ONNX_TOO_LARGE', `the file is ${bytes.length} bytes, over the ${max}-byte limit`, at);
  }
}

function parse(bytes: Uint8Array, opts: DecodeOptions): ModelMsg {
  const at: Location = opts.file === undefined ? {} : { file: opts.file };
  checkModelBytes(bytes, opts);
  let m: ModelMsg;
  try {
    // protobufjs checks every declared length against the buffer and caps nesting at 100.
    m = ModelProto.decode(bytes) as ModelMsg;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ModalflowError('ONNX_CORRUPT', `not a readable ONNX protobuf (${why})`, at);
  }
  checkModelMsg(m, at);
  return m;
}

/** What makes a decoded message a model: an IR version, operator sets, a graph. */
export function checkModelMsg(m: ModelMsg, at: Location): void {
  const irVersion = int64ToSafeNumber(m.ir_version);
  if (!has(m, 'ir_version') || irVersion === undefined || irVersion < 1 || irVersion > 1000) {
    throw new ModalflowError('ONNX_NOT_A_MODEL', 'not an ONNX model: it has no valid ir_version', at);
  }
  const opsets = m.opset_import ?? [];
  if (opsets.length === 0) {
    throw new ModalflowError('ONNX_NOT_A_MODEL', 'not an ONNX model: it imports no operator set', at);
  }
  for (const o of opsets) {
    const v = int64ToSafeNumber(o.version);
    if (v === undefined || v < 1) {
      throw new ModalflowError(
        'ONNX_NOT_A_MODEL',
        `not an ONNX model: operator set "${o.domain ?? ''}" has version ${String(v ?? o.version)}`,
        at,
      );
    }
  }
  if (!m.graph) throw new ModalflowError('ONNX_NO_GRAPH', 'the model has no graph', at);
}

function shapeOf(type: TypeMsg | null | undefined): Dim[] | undefined {
  const shape = type?.tensor_type?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d): Dim => {
    if (has(d, 'dim_param')) return d.dim_param ?? '';
    if (has(d, 'dim_value')) {
      const n = int64ToSafeNumber(d.dim_value);
      return n !== undefined && n >= 0 ? n : null;
    }
    return null;
  });
}

/** The element type of a value, undefined when the file does not say. */
function dtypeOf(v: ValueInfoMsg, role: string, at: Location): DType | undefined {
  const type = v.type;
  if (!type || !type.value) return undefined;
  if (type.value !== 'tensor_type') {
    throw new ModalflowError(
      'ONNX_UNSUPPORTED_DTYPE',
      `${role} "${v.name ?? ''}" is a ${type.value.replace('_type', '')}, not a tensor`,
      at,
    );
  }
  const elem = type.tensor_type?.elem_type ?? 0;
  if (elem === 0) return undefined;
  const dtype = dtypeFromOnnx(elem);
  if (!dtype) {
    throw new ModalflowError(
      'ONNX_UNSUPPORTED_DTYPE',
      `${role} "${v.name ?? ''}" has element type ${onnxDataTypeName(elem)}, which has no core dtype`,
      at,
    );
  }
  return dtype;
}

function inputInfo(v: ValueInfoMsg, at: Location): ValueInfo {
  const dtype = dtypeOf(v, 'graph input', at);
  if (!dtype) {
    throw new ModalflowError('ONNX_UNSUPPORTED_DTYPE', `graph input "${v.name ?? ''}" has no element type`, at);
  }
  const info: ValueInfo = { name: v.name ?? '', dtype };
  const shape = shapeOf(v.type);
  if (shape) info.shape = shape;
  return info;
}

function outputInfo(v: ValueInfoMsg, at: Location): OutputInfo {
  const info: OutputInfo = { name: v.name ?? '' };
  const dtype = dtypeOf(v, 'graph output', at);
  if (dtype) info.dtype = dtype;
  const shape = shapeOf(v.type);
  if (shape) info.shape = shape;
  return info;
}

function locate(file: string | undefined, at: Location): Location {
  return file === undefined ? at : { file, ...at };
}

function collectOpTypes(g: GraphMsg, into: Set<string>): void {
  for (const n of g.node ?? []) {
    into.add(n.op_type ?? '');
    for (const a of n.attribute ?? []) {
      if (a.g) collectOpTypes(a.g, into);
      for (const sub of a.graphs ?? []) collectOpTypes(sub, into);
    }
  }
}

/**
 * The summary of a model message. `checkTensors` false is for messages whose initializers were
 * scanned for their names only (scan.ts), so there is no data to check.
 */
export function infoOf(m: ModelMsg, file: string | undefined, checkTensors = true): ModelInfo {
  const graph = m.graph!;
  const initNames = new Set<string>();
  for (const [k, t] of (graph.initializer ?? []).entries()) {
    if (checkTensors) checkTensorMsg(t, locate(file, { weight: t.name ?? '', path: `graph.initializer[${k}]` }));
    initNames.add(t.name ?? '');
  }
  const opTypes = new Set<string>();
  collectOpTypes(graph, opTypes);
  const metadata: Record<string, string> = {};
  for (const e of m.metadata_props ?? []) {
    setOwn(metadata, e.key ?? '', e.value ?? '');
  }
  return {
    irVersion: int64ToSafeNumber(m.ir_version)!,
    producerName: m.producer_name ?? '',
    producerVersion: m.producer_version ?? '',
    docString: m.doc_string ?? '',
    graphName: graph.name ?? '',
    opsets: (m.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: int64ToSafeNumber(o.version)! })),
    inputs: (graph.input ?? [])
      .filter((v) => !initNames.has(v.name ?? ''))
      .map((v, k) => inputInfo(v, locate(file, { path: `graph.input[${k}]` }))),
    outputs: (graph.output ?? []).map((v, k) => outputInfo(v, locate(file, { path: `graph.output[${k}]` }))),
    metadata,
    nodeCount: graph.node?.length ?? 0,
    initializerCount: graph.initializer?.length ?? 0,
    opTypes: [...opTypes].sort(),
  };
}

/**
 * Reads what a caller needs to run a model (inputs, outputs, opsets, metadata). Weights are
 * checked against their dims but not converted.
 */
export function decodeModel(bytes: Uint8Array, opts: DecodeOptions = {}): ModelInfo {
  return infoOf(parse(bytes, opts), opts.file);
}

function inferAttrType(a: AttributeMsg): number {
  // Files from IR version 1 predate the type field; the set value field says what it is.
  if (has(a, 'f')) return ATTR.FLOAT!;
  if (has(a, 'i')) return ATTR.INT!;
  if (has(a, 's')) return ATTR.STRING!;
  if (has(a, 't')) return ATTR.TENSOR!;
  if (has(a, 'g')) return ATTR.GRAPH!;
  if (a.floats?.length) return ATTR.FLOATS!;
  if (a.ints?.length) return ATTR.INTS!;
  if (a.strings?.length) return ATTR.STRINGS!;
  return ATTR.UNDEFINED!;
}

function attrFromMsg(a: AttributeMsg, at: Location, file: string | undefined, parent: OnnxGraph): Attr {
  const type = has(a, 'type') ? (a.type ?? 0) : inferAttrType(a);
  switch (type) {
    case ATTR.INT:
      return { kind: 'int', value: int64ToJs(a.i) };
    case ATTR.FLOAT:
      return { kind: 'float', value: a.f ?? 0 };
    case ATTR.STRING:
      // An absent bytes field reads as protobufjs's default, a plain [], not a Uint8Array.
      return { kind: 'string', value: has(a, 's') && a.s ? utf8.decode(a.s) : '' };
    case ATTR.INTS:
      return { kind: 'ints', value: (a.ints ?? []).map(int64ToJs) };
    case ATTR.FLOATS:
      return { kind: 'floats', value: [...(a.floats ?? [])] };
    case ATTR.STRINGS:
      return { kind: 'strings', value: (a.strings ?? []).map((b) => utf8.decode(b)) };
    case ATTR.TENSOR:
      if (!a.t) break;
      return { kind: 'tensor', value: tensorFromMsg(a.t, at) };
    case ATTR.GRAPH:
      if (!a.g) break;
      return { kind: 'graph', value: graphFromMsg(a.g, file, parent) };
  }
  const typeName = Object.keys(ATTR).find((k) => ATTR[k] === type) ?? String(type);
  const why = `attribute "${a.name ?? ''}" of type ${typeName} is not supported`;
  throw new ModalflowError('ONNX_UNSUPPORTED_ATTRIBUTE', why, at);
}

function graphFromMsg(msg: GraphMsg, file: string | undefined, parent?: OnnxGraph): OnnxGraph {
  const graph = parent ? parent.subgraph(msg.name ?? '') : new OnnxGraph(msg.name ?? '');
  if (msg.doc_string) graph.docString = msg.doc_string;
  for (const [k, t] of (msg.initializer ?? []).entries()) {
    const name = t.name ?? '';
    const at = locate(file, { weight: name, path: `graph "${graph.name}" initializer[${k}]` });
    if (!name) throw new ModalflowError('ONNX_BAD_TENSOR', 'an initializer has no name', at);
    if (graph.initializers.has(name)) {
      throw new ModalflowError('ONNX_DUPLICATE_NAME', `two initializers are named "${name}"`, at);
    }
    graph.initializers.set(name, tensorFromMsg(t, at));
  }
  for (const [k, v] of (msg.input ?? []).entries()) {
    graph.inputs.push(inputInfo(v, locate(file, { path: `graph "${graph.name}" input[${k}]` })));
  }
  for (const [k, v] of (msg.output ?? []).entries()) {
    graph.outputs.push(outputInfo(v, locate(file, { path: `graph "${graph.name}" output[${k}]` })));
  }
  for (const n of msg.node ?? []) {
    const node: OnnxNode = {
      opType: n.op_type ?? '',
      name: n.name ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attrs: {},
    };
    if (n.domain) node.domain = n.domain;
    for (const a of n.attribute ?? []) {
      const key = a.name ?? '';
      const at = locate(file, { node: node.name || node.opType, param: key });
      setOwn(node.attrs, key, attrFromMsg(a, at, file, graph));
    }
    graph.nodes.push(node);
  }
  graph.reserve(
    [...graph.initializers.keys(), ...graph.inputs.map((v) => v.name), ...graph.nodes.flatMap((n) => n.outputs)],
    graph.nodes.map((n) => n.name),
  );
  return graph;
}

/** The options that make `encodeModel` reproduce the model-level fields of a decoded file. */
export function modelOptionsOf(info: ModelInfo): ModelOptions {
  const opts: ModelOptions = { irVersion: info.irVersion, opset: DEFAULT_OPSET, metadata: { ...info.metadata } };
  const others: Record<string, number> = {};
  for (const o of info.opsets) {
    if (o.domain === '' || o.domain === 'ai.onnx') opts.opset = o.version;
    else others[o.domain] = o.version;
  }
  if (Object.keys(others).length) opts.opsets = others;
  if (info.producerName) opts.producerName = info.producerName;
  if (info.producerVersion) opts.producerVersion = info.producerVersion;
  if (info.docString) opts.docString = info.docString;
  return opts;
}

/** Decodes a model fully: its summary, its graph with weights as core tensors, and its options. */
export function readModel(
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): { info: ModelInfo; graph: OnnxGraph; options: ModelOptions } {
  const m = parse(bytes, opts);
  const info = infoOf(m, opts.file);
  return { info, graph: graphFromMsg(m.graph!, opts.file), options: modelOptionsOf(info) };
}

/**
 * Decodes a model into an editable graph. For files this package wrote,
 * `encodeModel(decodeGraph(b), modelOptionsOf(decodeModel(b)))` gives `b` back byte for byte.
 */
export function decodeGraph(bytes: Uint8Array, opts: DecodeOptions = {}): OnnxGraph {
  return readModel(bytes, opts).graph;
}
