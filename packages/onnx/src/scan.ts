import protobuf from 'protobufjs';
import { ModalflowError, type Location } from '@modalflow/core';
import { checkModelBytes, checkModelMsg, infoOf, type DecodeOptions, type ModelInfo } from './decode.ts';
import type { GraphMsg, ModelMsg, NodeMsg, OperatorSetIdMsg, StringStringEntryMsg, TensorMsg, ValueInfoMsg } from './onnx.proto.ts';
import { ModelProto } from './onnx.proto.ts';

const root = ModelProto.root;
const Node = root.lookupType('onnx.NodeProto');
const ValueInfo = root.lookupType('onnx.ValueInfoProto');
const OpsetId = root.lookupType('onnx.OperatorSetIdProto');
const Entry = root.lookupType('onnx.StringStringEntryProto');

// ONNX's field numbers (onnx.proto).
const MODEL = { ir_version: 1, producer_name: 2, producer_version: 3, doc_string: 6, graph: 7, opset_import: 8, metadata_props: 14 };
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const TENSOR_NAME = 8;
const LEN = 2;

/** Where one initializer's bytes lie in the file: the whole TensorProto, as offsets into it. */
export interface InitializerSpan {
  name: string;
  start: number;
  end: number;
}

export interface ModelScan {
  info: ModelInfo;
  /** The main graph's initializers, which the scan stepped over without reading their data. */
  initializers: InitializerSpan[];
}

/**
 * Reads what a caller needs to wire a model (inputs, outputs, opsets, metadata, op types) by
 * walking the protobuf and stepping over every initializer after its name: a 600 MB export is
 * summarised without reading, copying or checking its weights. `decodeModel` reads the same
 * summary and checks every weight; use it where the weights matter.
 */
export function scanModel(bytes: Uint8Array, opts: DecodeOptions = {}): ModelScan {
  const at: Location = opts.file === undefined ? {} : { file: opts.file };
  checkModelBytes(bytes, opts);
  const initializers: InitializerSpan[] = [];
  let m: ModelMsg;
  try {
    m = scanModelMsg(protobuf.Reader.create(bytes), initializers);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ModalflowError('ONNX_CORRUPT', `not a readable ONNX protobuf (${why})`, at);
  }
  checkModelMsg(m, at);
  return { info: infoOf(m, opts.file, false), initializers };
}

function scanModelMsg(r: protobuf.Reader, initializers: InitializerSpan[]): ModelMsg {
  const m: ModelMsg = {};
  const opsets: OperatorSetIdMsg[] = [];
  const metadata: StringStringEntryMsg[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === MODEL.ir_version && wire === 0) m.ir_version = r.int64() as ModelMsg['ir_version'];
    else if (field === MODEL.producer_name && wire === LEN) m.producer_name = r.string();
    else if (field === MODEL.producer_version && wire === LEN) m.producer_version = r.string();
    else if (field === MODEL.doc_string && wire === LEN) m.doc_string = r.string();
    else if (field === MODEL.opset_import && wire === LEN) opsets.push(OpsetId.decode(r, r.uint32()) as OperatorSetIdMsg);
    else if (field === MODEL.metadata_props && wire === LEN) metadata.push(Entry.decode(r, r.uint32()) as StringStringEntryMsg);
    else if (field === MODEL.graph && wire === LEN) {
      const end = r.uint32() + r.pos;
      if (end > r.len) throw new Error(`graph runs past the end of the file`);
      // A repeated message field merges; exporters write one graph.
      m.graph = scanGraph(r, end, initializers, m.graph ?? undefined);
    } else r.skipType(wire);
  }
  if (opsets.length) m.opset_import = opsets;
  if (metadata.length) m.metadata_props = metadata;
  return m;
}

function scanGraph(r: protobuf.Reader, end: number, initializers: InitializerSpan[], into: GraphMsg = {}): GraphMsg {
  const g = into;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== LEN) {
      r.skipType(wire);
      continue;
    }
    if (field === GRAPH.initializer) {
      const start = r.pos;
      const len = r.uint32();
      const stop = r.pos + len;
      if (stop > end) throw new Error('an initializer runs past the end of its graph');
      const name = tensorName(r, stop);
      r.pos = stop;
      initializers.push({ name, start, end: stop });
      (g.initializer ??= []).push({ name } as TensorMsg);
    } else if (field === GRAPH.node) (g.node ??= []).push(Node.decode(r, r.uint32()) as NodeMsg);
    else if (field === GRAPH.input) (g.input ??= []).push(ValueInfo.decode(r, r.uint32()) as ValueInfoMsg);
    else if (field === GRAPH.output) (g.output ??= []).push(ValueInfo.decode(r, r.uint32()) as ValueInfoMsg);
    else if (field === GRAPH.name) g.name = r.string();
    else r.skipType(wire);
  }
  if (r.pos !== end) throw new Error('the graph message is cut short');
  return g;
}

/** The name of a TensorProto, stepping over its dims, data and everything else. */
function tensorName(r: protobuf.Reader, stop: number): string {
  let name = '';
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag >>> 3 === TENSOR_NAME && (tag & 7) === LEN) name = r.string();
    else r.skipType(tag & 7);
  }
  if (r.pos !== stop) throw new Error(`initializer "${name}" is cut short`);
  return name;
}
