import { ModalflowError, numel, type Location, type Tensor } from '@modalflow/core';
import { dtypeFromOnnx, OnnxDataType, onnxDataType, onnxDataTypeName, rawByteLength } from './dtypes.ts';
import { int64ToBigInt } from './int64.ts';
import { dataMatchesDType, fromLittleEndianBytes, toLittleEndianBytes } from './le-bytes.ts';
import type { TensorMsg } from './onnx.proto.ts';

/** Dims or element counts above this are treated as corrupt rather than allocated. */
export const MAX_ELEMENTS = 2 ** 31;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

function badTensor(message: string, at: Location): ModalflowError {
  return new ModalflowError('ONNX_BAD_TENSOR', message, at);
}

function describe(name: string): string {
  return name ? `tensor "${name}"` : 'unnamed tensor';
}

/** Checks a core tensor before it is written, so a malformed one fails here, not in onnxruntime. */
export function checkTensor(name: string, tensor: Tensor, at: Location): void {
  const what = describe(name);
  if (!Array.isArray(tensor.dims) || tensor.dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw badTensor(`${what} has invalid dims [${String(tensor.dims)}]; each must be a non-negative integer`, at);
  }
  if (!dataMatchesDType(tensor.dtype, tensor.data)) {
    throw badTensor(`${what} has dtype ${tensor.dtype} but its data is a ${tensor.data?.constructor?.name}`, at);
  }
  const n = numel(tensor.dims);
  if (tensor.data.length !== n) {
    throw badTensor(`${what} has dims [${tensor.dims.join(', ')}] (${n} values) but ${tensor.data.length} values`, at);
  }
}

/** A TensorProto holding `tensor`: numbers as little-endian raw_data, strings as string_data. */
export function tensorToMsg(name: string, tensor: Tensor, at: Location): TensorMsg {
  checkTensor(name, tensor, at);
  const msg: TensorMsg = { dims: [...tensor.dims], data_type: onnxDataType(tensor.dtype) };
  if (name) msg.name = name;
  if (tensor.dtype === 'string') msg.string_data = (tensor.data as string[]).map((x) => utf8Encoder.encode(x));
  else msg.raw_data = toLittleEndianBytes(tensor.dtype, tensor.data as Exclude<Tensor['data'], string[]>);
  return msg;
}

const has = (m: object, key: string): boolean => Object.prototype.hasOwnProperty.call(m, key);

/** Which typed field holds a tensor's values when raw_data is absent, and values per element. */
function typedField(dataType: number): [keyof TensorMsg, number] | undefined {
  switch (dataType) {
    case OnnxDataType.FLOAT:
      return ['float_data', 1];
    case OnnxDataType.COMPLEX64:
      return ['float_data', 2];
    case OnnxDataType.INT64:
      return ['int64_data', 1];
    case OnnxDataType.STRING:
      return ['string_data', 1];
    case OnnxDataType.DOUBLE:
      return ['double_data', 1];
    case OnnxDataType.COMPLEX128:
      return ['double_data', 2];
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return ['uint64_data', 1];
    case OnnxDataType.UINT4:
    case OnnxDataType.INT4:
    case OnnxDataType.FLOAT4E2M1:
      return ['int32_data', 0.5];
    default:
      return dataType > 0 && dataType <= OnnxDataType.FLOAT8E5M2FNUZ ? ['int32_data', 1] : undefined;
  }
}

export interface TensorHeader {
  name: string;
  dataType: number;
  dims: number[];
  count: number;
  external: boolean;
}

/**
 * Validates a decoded TensorProto's shape against the data it carries without converting it,
 * so that nothing sized from a file's declared dims is allocated before it is known to fit.
 */
export function checkTensorMsg(m: TensorMsg, at: Location): TensorHeader {
  const name = m.name ?? '';
  const what = describe(name);
  const dims: number[] = [];
  let count = 1;
  for (const [k, raw] of (m.dims ?? []).entries()) {
    const d = int64ToBigInt(raw);
    if (d < 0n) throw badTensor(`${what} has negative dimension ${d} at index ${k}`, at);
    if (d > BigInt(MAX_ELEMENTS)) throw badTensor(`${what} has dimension ${d} at index ${k}, over 2^31`, at);
    dims.push(Number(d));
    count *= Number(d);
  }
  if (count > MAX_ELEMENTS) {
    throw badTensor(`${what} has dims [${dims.join(', ')}]: ${count} elements is over 2^31`, at);
  }
  const dataType = m.data_type ?? 0;
  if (dataType === OnnxDataType.UNDEFINED) throw badTensor(`${what} has no data_type`, at);
  const external = m.data_location === 1;
  if (external) return { name, dataType, dims, count, external };

  const typeName = onnxDataTypeName(dataType);
  if (has(m, 'raw_data')) {
    if (dataType === OnnxDataType.STRING) throw badTensor(`${what} is a STRING tensor but uses raw_data`, at);
    const want = rawByteLength(dataType, count);
    const got = m.raw_data?.length ?? 0;
    if (want !== undefined && got !== want) {
      throw badTensor(
        `${what}: raw_data holds ${got} bytes but dims [${dims.join(', ')}] of ${typeName} need ${want}`,
        at,
      );
    }
  } else {
    const field = typedField(dataType);
    if (field) {
      const want = Math.ceil(count * field[1]);
      const got = (m[field[0]] as unknown[] | undefined)?.length ?? 0;
      if (got !== want) {
        throw badTensor(
          `${what}: ${field[0]} holds ${got} values but dims [${dims.join(', ')}] of ${typeName} need ${want}`,
          at,
        );
      }
    }
  }
  return { name, dataType, dims, count, external };
}

/** Converts a decoded TensorProto into a core tensor, checking it first. */
export function tensorFromMsg(m: TensorMsg, at: Location): Tensor {
  const h = checkTensorMsg(m, at);
  const what = describe(h.name);
  const dtype = dtypeFromOnnx(h.dataType);
  if (!dtype) {
    throw new ModalflowError(
      'ONNX_UNSUPPORTED_DTYPE',
      `${what} has element type ${onnxDataTypeName(h.dataType)}, which has no core dtype`,
      at,
    );
  }
  if (h.external) {
    const location = m.external_data?.find((e) => e.key === 'location')?.value ?? '?';
    throw new ModalflowError(
      'ONNX_EXTERNAL_DATA',
      `${what} keeps its data in external file "${location}"; only self-contained models are supported`,
      at,
    );
  }
  if (has(m, 'segment')) throw badTensor(`${what} is a segment of a larger tensor, which is not supported`, at);
  const dims = h.dims;
  if (dtype === 'string') {
    return { dtype, dims, data: (m.string_data ?? []).map((b) => utf8Decoder.decode(b)) };
  }
  if (has(m, 'raw_data')) return fromLittleEndianBytes(dtype, dims, m.raw_data ?? new Uint8Array(0));
  const i32 = m.int32_data ?? [];
  switch (dtype) {
    case 'float32':
      return { dtype, dims, data: Float32Array.from(m.float_data ?? []) };
    case 'float64':
      return { dtype, dims, data: Float64Array.from(m.double_data ?? []) };
    case 'int64':
      return { dtype, dims, data: BigInt64Array.from(m.int64_data ?? [], int64ToBigInt) };
    case 'int32':
      return { dtype, dims, data: Int32Array.from(i32) };
    case 'int8':
      return { dtype, dims, data: Int8Array.from(i32) };
    case 'uint8':
      return { dtype, dims, data: Uint8Array.from(i32) };
    case 'bool':
      return { dtype, dims, data: Uint8Array.from(i32, (v) => (v ? 1 : 0)) };
    case 'float16':
      return { dtype, dims, data: Uint16Array.from(i32) };
  }
}
