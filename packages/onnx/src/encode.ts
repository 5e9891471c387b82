import { ModalflowError, type Location } from '@modalflow/core';
import { onnxDataType } from './dtypes.ts';
import type { OnnxGraph } from './graph.ts';
import { toInt64 } from './int64.ts';
import type { Attr, Dim, OutputInfo, ValueInfo } from './ir.ts';
import {
  AttributeTypeEnum,
  ModelProto,
  type AttributeMsg,
  type DimensionMsg,
  type GraphMsg,
  type ModelMsg,
  type OperatorSetIdMsg,
  type ValueInfoMsg,
} from './onnx.proto.ts';
import { tensorToMsg } from './tensor-proto.ts';

export interface ModelOptions {
  /** Version of the default ai.onnx operator set; 17 unless given. */
  opset?: number;
  /** Versions of every other operator-set domain the nodes use, e.g. `{ 'com.microsoft': 1 }`. */
  opsets?: Record<string, number>;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
  /** 8 unless given: the IR version onnxruntime expects alongside opset 17. */
  irVersion?: number;
}

export const DEFAULT_OPSET = 17;
export const DEFAULT_IR_VERSION = 8;

const utf8 = new TextEncoder();
const ATTR_TYPE = AttributeTypeEnum.values as Record<string, number>;
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function attrToMsg(name: string, attr: Attr, at: Location, domains: Set<string>): AttributeMsg {
  const bad = (why: string): ModalflowError =>
    new ModalflowError('ONNX_BAD_ATTRIBUTE', `attribute "${name}" ${why}`, { ...at, param: name });
  const int = (v: number | bigint) => {
    if (typeof v === 'bigint' || Number.isSafeInteger(v)) return toInt64(v);
    throw bad(`must hold integers, got ${v}`);
  };
  switch (attr.kind) {
    case 'int':
      return { name, type: ATTR_TYPE.INT, i: int(attr.value) };
    case 'float':
      return { name, type: ATTR_TYPE.FLOAT, f: attr.value };
    case 'string':
      return { name, type: ATTR_TYPE.STRING, s: utf8.encode(attr.value) };
    case 'ints':
      return { name, type: ATTR_TYPE.INTS, ints: attr.value.map(int) };
    case 'floats':
      return { name, type: ATTR_TYPE.FLOATS, floats: [...attr.value] };
    case 'strings':
      return { name, type: ATTR_TYPE.STRINGS, strings: attr.value.map((x) => utf8.encode(x)) };
    case 'tensor':
      return { name, type: ATTR_TYPE.TENSOR, t: tensorToMsg('', attr.value, { ...at, param: name }) };
    case 'graph':
      return { name, type: ATTR_TYPE.GRAPH, g: graphToMsg(attr.value, domains, at.file) };
    default:
      throw bad(`has unknown kind "${(attr as { kind: unknown }).kind}"`);
  }
}

function shapeToMsg(shape: Dim[], at: Location): { dim: DimensionMsg[] } {
  return {
    dim: shape.map((d) => {
      if (d === null) return {};
      if (typeof d === 'string') return { dim_param: d };
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new ModalflowError('ONNX_BAD_SHAPE', `dimension ${d} is not a non-negative integer`, at);
      }
      return { dim_value: d };
    }),
  };
}

function valueInfoToMsg(v: ValueInfo | OutputInfo, at: Location): ValueInfoMsg {
  if (v.dtype === undefined && v.shape === undefined) return { name: v.name };
  const tensorType: NonNullable<NonNullable<ValueInfoMsg['type']>['tensor_type']> = {};
  if (v.dtype !== undefined) tensorType.elem_type = onnxDataType(v.dtype);
  if (v.shape !== undefined) tensorType.shape = shapeToMsg(v.shape, at);
  return { name: v.name, type: { tensor_type: tensorType } };
}

/** GraphProto for `graph`; also collects the operator-set domains its nodes use. */
export function graphToMsg(graph: OnnxGraph, domains: Set<string>, file?: string): GraphMsg {
  const where = (extra: Location): Location => (file === undefined ? extra : { file, ...extra });
  const msg: GraphMsg = {
    node: graph.nodes.map((n) => {
      const at = where({ node: n.name || n.opType });
      if (n.domain) domains.add(n.domain);
      return {
        input: [...n.inputs],
        output: [...n.outputs],
        ...(n.name ? { name: n.name } : {}),
        op_type: n.opType,
        ...(n.domain ? { domain: n.domain } : {}),
        attribute: Object.keys(n.attrs)
          .sort(byKey)
          .map((k) => attrToMsg(k, n.attrs[k]!, at, domains)),
      };
    }),
    name: graph.name,
    initializer: [...graph.initializers].map(([name, t]) => tensorToMsg(name, t, where({ weight: name }))),
    input: graph.inputs.map((v) => valueInfoToMsg(v, where({ path: `input "${v.name}"` }))),
    output: graph.outputs.map((v) => valueInfoToMsg(v, where({ path: `output "${v.name}"` }))),
  };
  if (graph.docString) msg.doc_string = graph.docString;
  return msg;
}

function isDefaultDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

/** The ModelProto message for `graph`, as a plain object protobufjs can encode. */
export function toModelProto(graph: OnnxGraph, opts: ModelOptions = {}): ModelMsg {
  const domains = new Set<string>();
  const graphMsg = graphToMsg(graph, domains);
  const extra = opts.opsets ?? {};
  const opsetImport: OperatorSetIdMsg[] = [{ domain: '', version: opts.opset ?? DEFAULT_OPSET }];
  for (const domain of Object.keys(extra).sort(byKey)) {
    if (!isDefaultDomain(domain)) opsetImport.push({ domain, version: extra[domain]! });
  }
  for (const domain of [...domains].sort(byKey)) {
    if (!isDefaultDomain(domain) && !(domain in extra)) {
      throw new ModalflowError(
        'ONNX_MISSING_OPSET',
        `graph "${graph.name}" uses operator domain "${domain}" but options.opsets gives no version for it`,
      );
    }
  }
  const model: ModelMsg = { ir_version: opts.irVersion ?? DEFAULT_IR_VERSION, opset_import: opsetImport };
  if (opts.producerName) model.producer_name = opts.producerName;
  if (opts.producerVersion) model.producer_version = opts.producerVersion;
  if (opts.docString) model.doc_string = opts.docString;
  model.graph = graphMsg;
  const meta = opts.metadata ?? {};
  model.metadata_props = Object.keys(meta)
    .sort(byKey)
    .map((key) => ({ key, value: meta[key]! }));
  return model;
}

/**
 * Serialises `graph` as an .onnx file. Attributes and metadata are written in sorted order, so
 * equal graphs give byte-identical files.
 */
export function encodeModel(graph: OnnxGraph, opts: ModelOptions = {}): Uint8Array {
  const out = ModelProto.encode(toModelProto(graph, opts) as never).finish();
  // Node's writer can hand back a slice of a shared pool; give callers a buffer of their own.
  if (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength) return new Uint8Array(out.buffer);
  return new Uint8Array(out);
}
