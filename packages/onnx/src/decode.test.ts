import { ModalflowError } from '@modalflow/core';
import { describe, expect, it } from 'vitest';
import { decodeGraph, decodeModel, modelOptionsOf, readModel } from './decode.ts';
import { OnnxDataType } from './dtypes.ts';
import { encodeModel } from './encode.ts';
import { OnnxGraph } from './graph.ts';
import { ModelProto, StringStringEntryType, type ModelMsg, type TensorMsg } from './onnx.proto.ts';
import { SAMPLE_OPTIONS, sampleGraph } from './test-fixtures.ts';

const encodeMsg = (m: ModelMsg): Uint8Array => ModelProto.encode(m as never).finish();

/** A minimal valid model message with `extra` merged into its graph. */
function modelWith(graph: ModelMsg['graph'], extra: Partial<ModelMsg> = {}): Uint8Array {
  return encodeMsg({ ir_version: 8, opset_import: [{ domain: '', version: 17 }], graph, ...extra });
}

function withInitializer(t: TensorMsg): Uint8Array {
  return modelWith({ name: 'g', initializer: [{ name: 'w', ...t }] });
}

function errorOf(fn: () => unknown): ModalflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModalflowError) return e;
    throw e;
  }
  throw new Error('expected a ModalflowError');
}

describe('decodeModel', () => {
  const bytes = encodeModel(sampleGraph(), SAMPLE_OPTIONS);

  it('reads back inputs, outputs, opsets, metadata and counts', () => {
    const info = decodeModel(bytes, { file: 'sample.onnx' });
    expect(info).toEqual({
      irVersion: 8,
      producerName: 'modalflow-test',
      producerVersion: '0.0.1',
      docString: 'sample model',
      graphName: 'sample',
      opsets: [
        { domain: '', version: 17 },
        { domain: 'com.example', version: 1 },
      ],
      inputs: [
        { name: 'x', dtype: 'float32', shape: ['batch', 4] },
        { name: 'ids', dtype: 'int64', shape: ['batch', null] },
      ],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 3] }, { name: 'ids' }],
      metadata: { 'a.key': 'one', 'b.key': 'two' },
      nodeCount: 6,
      initializerCount: 10,
      opTypes: ['Cast', 'Custom', 'Identity', 'If', 'LeakyRelu', 'MatMul'],
    });
  });

  it('leaves out inputs that only declare an initializer', () => {
    const info = decodeModel(
      modelWith({
        name: 'g',
        input: [
          { name: 'x', type: { tensor_type: { elem_type: OnnxDataType.FLOAT } } },
          { name: 'w', type: { tensor_type: { elem_type: OnnxDataType.FLOAT, shape: { dim: [{ dim_value: 1 }] } } } },
        ],
        initializer: [{ name: 'w', dims: [1], data_type: OnnxDataType.FLOAT, float_data: [1] }],
      }),
    );
    expect(info.inputs).toEqual([{ name: 'x', dtype: 'float32' }]);
    expect(info.initializerCount).toBe(1);
  });

  it('reads metadata keys that would be special on a plain object as data', () => {
    const info = decodeModel(modelWith({ name: 'g' }, { metadata_props: [{ key: '__proto__', value: 'x' }] }));
    expect(Object.getPrototypeOf(info.metadata)).toBe(Object.prototype);
    expect(Object.keys(info.metadata)).toEqual(['__proto__']);
  });

  it('checks initializers but does not need to understand their dtype', () => {
    const info = decodeModel(withInitializer({ dims: [2], data_type: OnnxDataType.DOUBLE, double_data: [1, 2] }));
    expect(info.initializerCount).toBe(1);
  });

  it.each([
    ['ONNX_EMPTY', new Uint8Array(0)],
    ['ONNX_CORRUPT', bytes.subarray(0, bytes.length - 3)],
    ['ONNX_CORRUPT', new TextEncoder().encode('{"not": "onnx"}')],
    ['ONNX_NOT_A_MODEL', StringStringEntryType.encode({ key: 'a', value: 'b' }).finish()],
    ['ONNX_NOT_A_MODEL', encodeMsg({ ir_version: 8, graph: { name: 'g' } })],
    ['ONNX_NOT_A_MODEL', encodeMsg({ ir_version: -4, opset_import: [{ version: 17 }], graph: { name: 'g' } })],
    ['ONNX_NO_GRAPH', encodeMsg({ ir_version: 8, opset_import: [{ domain: '', version: 17 }] })],
  ])('rejects with %s', (code, input) => {
    const e = errorOf(() => decodeModel(input, { file: 'bad.onnx' }));
    expect(e.code).toBe(code);
    expect(e.message).toContain('bad.onnx');
  });

  it('names the byte offset when a length runs past the end', () => {
    const e = errorOf(() => decodeModel(bytes.subarray(0, 40)));
    expect(e.code).toBe('ONNX_CORRUPT');
    expect(e.message).toMatch(/index out of range: \d+ \+ \d+ > 40/);
  });

  it('refuses files over maxBytes before parsing them', () => {
    expect(errorOf(() => decodeModel(bytes, { maxBytes: 10 })).code).toBe('ONNX_TOO_LARGE');
  });

  it.each<[string, TensorMsg, RegExp]>([
    ['negative dims', { dims: [2, -1], data_type: OnnxDataType.FLOAT }, /tensor "w" has negative dimension -1 at index 1/],
    ['absurd dims', { dims: [2 ** 40], data_type: OnnxDataType.FLOAT, raw_data: new Uint8Array(4) }, /dimension 1099511627776 at index 0, over 2\^31/],
    ['element count over 2^31', { dims: [2 ** 20, 2 ** 20], data_type: OnnxDataType.UINT8, raw_data: new Uint8Array(1) }, /1099511627776 elements is over 2\^31/],
    ['raw_data size', { dims: [3], data_type: OnnxDataType.FLOAT, raw_data: new Uint8Array(8) }, /raw_data holds 8 bytes but dims \[3\] of FLOAT need 12/],
    ['typed field size', { dims: [3], data_type: OnnxDataType.INT64, int64_data: [1] }, /int64_data holds 1 values but dims \[3\] of INT64 need 3/],
    ['missing data', { dims: [2], data_type: OnnxDataType.FLOAT }, /float_data holds 0 values/],
    ['no data_type', { dims: [1], raw_data: new Uint8Array(4) }, /has no data_type/],
    ['raw string', { dims: [1], data_type: OnnxDataType.STRING, raw_data: new Uint8Array(1) }, /STRING tensor but uses raw_data/],
  ])('rejects a tensor with bad %s as ONNX_BAD_TENSOR', (_, tensor, message) => {
    const e = errorOf(() => decodeModel(withInitializer(tensor), { file: 'm.onnx' }));
    expect(e.code).toBe('ONNX_BAD_TENSOR');
    expect(e.message).toMatch(message);
    expect(e.at).toMatchObject({ file: 'm.onnx', weight: 'w' });
  });

  it('rejects inputs and outputs whose element type core cannot hold', () => {
    const doubleIn = modelWith({ name: 'g', input: [{ name: 'x', type: { tensor_type: { elem_type: OnnxDataType.INT16 } } }] });
    const e = errorOf(() => decodeModel(doubleIn));
    expect(e.code).toBe('ONNX_UNSUPPORTED_DTYPE');
    expect(e.message).toContain('graph input "x" has element type INT16');
    const seqOut = modelWith({ name: 'g', output: [{ name: 'y', type: { sequence_type: {} } as never }] });
    expect(errorOf(() => decodeModel(seqOut)).message).toContain('graph output "y" is a sequence, not a tensor');
    const untyped = modelWith({ name: 'g', input: [{ name: 'x' }] });
    expect(errorOf(() => decodeModel(untyped)).code).toBe('ONNX_UNSUPPORTED_DTYPE');
  });

  it('reads unknown dims as null and negative dim values as unknown', () => {
    const info = decodeModel(
      modelWith({
        name: 'g',
        input: [
          {
            name: 'x',
            type: { tensor_type: { elem_type: OnnxDataType.FLOAT, shape: { dim: [{}, { dim_value: -1 }, { dim_param: 'n' }, { dim_value: 5 }] } } },
          },
        ],
      }),
    );
    expect(info.inputs[0]!.shape).toEqual([null, null, 'n', 5]);
  });
});

describe('decodeGraph', () => {
  it('round-trips byte for byte: encode, decode, encode', () => {
    const bytes = encodeModel(sampleGraph(), SAMPLE_OPTIONS);
    const { graph, options } = readModel(bytes);
    const again = encodeModel(graph, options);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const viaInfo = encodeModel(decodeGraph(bytes), modelOptionsOf(decodeModel(bytes)));
    expect(Buffer.from(viaInfo).equals(Buffer.from(bytes))).toBe(true);
  });

  it('decodes from a Node Buffer, whose slices are unaligned views, into tensors of their own', () => {
    const bytes = encodeModel(sampleGraph(), SAMPLE_OPTIONS);
    const padded = Buffer.concat([Buffer.from([0]), Buffer.from(bytes)]).subarray(1);
    const graph = decodeGraph(padded);
    const w = graph.initializers.get('w')!;
    expect(w.data).toEqual(sampleGraph().initializers.get('w')!.data);
    expect((w.data as Float32Array).buffer.byteLength).toBe(48);
  });

  it('rebuilds nodes, attributes and initializers as core data', () => {
    const original = sampleGraph();
    const graph = decodeGraph(encodeModel(original, SAMPLE_OPTIONS));
    expect(graph.name).toBe('sample');
    expect(graph.inputs).toEqual(original.inputs);
    expect(graph.outputs).toEqual(original.outputs);
    expect([...graph.initializers.keys()]).toEqual([...original.initializers.keys()]);
    for (const [name, t] of original.initializers) expect(graph.initializers.get(name)).toEqual(t);
    const custom = graph.nodes.find((n) => n.opType === 'Custom')!;
    expect(custom.domain).toBe('com.example');
    expect(custom.inputs).toEqual(['ids', '', 'const_i64']);
    expect(custom.attrs).toEqual({
      a_ints: { kind: 'ints', value: [1, -1, 2 ** 40] },
      m_floats: { kind: 'floats', value: [1.5, -0.25] },
      q_strs: { kind: 'strings', value: ['a', 'ü'] },
      s_str: { kind: 'string', value: 'mode' },
      value: { kind: 'tensor', value: { dtype: 'int32', dims: [], data: Int32Array.of(42) } },
      z_int: { kind: 'int', value: 2n ** 62n },
    });
    const iff = graph.nodes.find((n) => n.opType === 'If')!;
    const body = iff.attrs.then_branch!;
    expect(body.kind).toBe('graph');
    if (body.kind === 'graph') expect(body.value.nodes[0]).toMatchObject({ opType: 'Identity', outputs: ['then_out'] });
  });

  it('lets passes keep adding nodes without clashing with decoded names', () => {
    const graph = decodeGraph(encodeModel(sampleGraph(), SAMPLE_OPTIONS));
    const used = new Set([...graph.initializers.keys(), ...graph.nodes.flatMap((n) => n.outputs)]);
    const fresh = graph.scope('enc', () => graph.op('MatMul', ['x', 'w']));
    expect(used.has(fresh)).toBe(false);
    expect(() => graph.addInitializer('w', { dtype: 'float32', dims: [], data: Float32Array.of(0) })).toThrow(/ONNX_DUPLICATE_NAME/);
  });

  it('reads values stored in typed fields instead of raw_data', () => {
    const tensors: TensorMsg[] = [
      { name: 'f', dims: [2], data_type: OnnxDataType.FLOAT, float_data: [1.5, -2] },
      { name: 'l', dims: [2], data_type: OnnxDataType.INT64, int64_data: [-3, 2 ** 40] },
      { name: 'i', dims: [1], data_type: OnnxDataType.INT32, int32_data: [-9] },
      { name: 'b', dims: [2], data_type: OnnxDataType.BOOL, int32_data: [0, 1] },
      { name: 'h', dims: [1], data_type: OnnxDataType.FLOAT16, int32_data: [0x3c00] },
      { name: 'u', dims: [1], data_type: OnnxDataType.UINT8, int32_data: [200] },
      { name: 'c', dims: [1], data_type: OnnxDataType.INT8, int32_data: [-100] },
    ];
    const g = decodeGraph(modelWith({ name: 'g', initializer: tensors }));
    const data = Object.fromEntries([...g.initializers].map(([k, v]) => [k, v.data]));
    expect(data).toEqual({
      f: Float32Array.of(1.5, -2),
      l: BigInt64Array.of(-3n, 2n ** 40n),
      i: Int32Array.of(-9),
      b: Uint8Array.of(0, 1),
      h: Uint16Array.of(0x3c00),
      u: Uint8Array.of(200),
      c: Int8Array.of(-100),
    });
  });

  it('rejects initializers it cannot turn into core tensors', () => {
    const double = withInitializer({ dims: [1], data_type: OnnxDataType.INT16, int32_data: [1] });
    expect(errorOf(() => decodeGraph(double)).code).toBe('ONNX_UNSUPPORTED_DTYPE');
    const external = withInitializer({
      dims: [1],
      data_type: OnnxDataType.FLOAT,
      data_location: 1,
      external_data: [{ key: 'location', value: 'weights.bin' }],
    });
    expect(decodeModel(external).initializerCount).toBe(1);
    const e = errorOf(() => decodeGraph(external, { file: 'big.onnx' }));
    expect(e.code).toBe('ONNX_EXTERNAL_DATA');
    expect(e.message).toContain('weights.bin');
    const dup = modelWith({
      name: 'g',
      initializer: [
        { name: 'w', dims: [], data_type: OnnxDataType.FLOAT, float_data: [1] },
        { name: 'w', dims: [], data_type: OnnxDataType.FLOAT, float_data: [2] },
      ],
    });
    expect(errorOf(() => decodeGraph(dup)).code).toBe('ONNX_DUPLICATE_NAME');
  });

  it('infers attribute kinds for files that predate the type field', () => {
    const g = decodeGraph(
      modelWith({
        name: 'g',
        node: [{ op_type: 'Foo', attribute: [{ name: 'a', i: 3 }, { name: 'b', f: 0.5 }, { name: 'c', ints: [1, 2] }] }],
      }),
    );
    expect(g.nodes[0]!.attrs).toEqual({
      a: { kind: 'int', value: 3 },
      b: { kind: 'float', value: 0.5 },
      c: { kind: 'ints', value: [1, 2] },
    });
    const unsupported = modelWith({ name: 'g', node: [{ op_type: 'Foo', name: 'n', attribute: [{ name: 'x', type: 11 }] }] });
    const e = errorOf(() => decodeGraph(unsupported));
    expect(e.code).toBe('ONNX_UNSUPPORTED_ATTRIBUTE');
    expect(e.message).toContain('SPARSE_TENSOR');
    expect(e.at.node).toBe('n');
  });

  it('keeps an empty graph empty', () => {
    const bytes = encodeModel(new OnnxGraph('nothing'));
    const g = decodeGraph(bytes);
    expect([g.name, g.nodes.length, g.inputs.length, g.outputs.length, g.initializers.size]).toEqual(['nothing', 0, 0, 0, 0]);
  });
});
