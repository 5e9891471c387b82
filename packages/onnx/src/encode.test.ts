import { ModalflowError } from '@modalflow/core';
import { describe, expect, it } from 'vitest';
import { OnnxDataType } from './dtypes.ts';
import { encodeModel, toModelProto } from './encode.ts';
import { OnnxGraph } from './graph.ts';
import { f, i, ints } from './ir.ts';
import { AttributeTypeEnum, DataTypeEnum, ModelProto, type ModelMsg } from './onnx.proto.ts';
import { SAMPLE_OPTIONS, sampleGraph } from './test-fixtures.ts';

const decodeRaw = (bytes: Uint8Array) =>
  ModelProto.toObject(ModelProto.decode(bytes), { longs: String, bytes: Array, defaults: false }) as ModelMsg &
    Record<string, unknown>;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModalflowError) return e.code;
    throw e;
  }
  return undefined;
}

describe('encodeModel', () => {
  it('is deterministic: the same graph always gives the same bytes', () => {
    const a = encodeModel(sampleGraph(), SAMPLE_OPTIONS);
    const b = encodeModel(sampleGraph(), SAMPLE_OPTIONS);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('does not depend on attribute or metadata insertion order', () => {
    const build = (order: 'ab' | 'ba') => {
      const g = new OnnxGraph('m');
      const x = g.addInput('x', 'float32', [1]);
      const attrs = order === 'ab' ? { a: i(1), b: f(2) } : { b: f(2), a: i(1) };
      g.addOutput(g.opOf('', 'Foo', [x], attrs));
      const metadata = order === 'ab' ? { a: '1', b: '2' } : { b: '2', a: '1' };
      return encodeModel(g, { metadata });
    };
    expect(Buffer.from(build('ab')).equals(Buffer.from(build('ba')))).toBe(true);
  });

  it('writes opset 17 and IR version 8 by default, the default domain first', () => {
    const g = new OnnxGraph('m');
    const m = decodeRaw(encodeModel(g));
    expect(m.ir_version).toBe('8');
    expect(m.opset_import).toEqual([{ domain: '', version: '17' }]);
    const custom = decodeRaw(encodeModel(g, { opset: 18, irVersion: 9, opsets: { 'com.z': 1, 'com.a': 2 } }));
    expect(custom.opset_import).toEqual([
      { domain: '', version: '18' },
      { domain: 'com.a', version: '2' },
      { domain: 'com.z', version: '1' },
    ]);
  });

  it('writes each attribute kind with its ONNX AttributeType', () => {
    const m = decodeRaw(encodeModel(sampleGraph(), SAMPLE_OPTIONS));
    const custom = m.graph!.node!.find((n) => n.op_type === 'Custom')!;
    expect(custom.domain).toBe('com.example');
    const T = AttributeTypeEnum.values;
    const byName = Object.fromEntries(custom.attribute!.map((a) => [a.name, a]));
    expect(custom.attribute!.map((a) => a.name)).toEqual(['a_ints', 'm_floats', 'q_strs', 's_str', 'value', 'z_int']);
    expect(byName.z_int).toMatchObject({ type: T.INT, i: String(2n ** 62n) });
    expect(byName.a_ints).toMatchObject({ type: T.INTS, ints: ['1', '-1', String(2n ** 40n)] });
    expect(byName.m_floats).toMatchObject({ type: T.FLOATS, floats: [1.5, -0.25] });
    expect(byName.s_str).toMatchObject({ type: T.STRING, s: [...Buffer.from('mode')] });
    expect(byName.q_strs).toMatchObject({ type: T.STRINGS, strings: [[97], [...Buffer.from('ü')]] });
    expect(byName.value).toMatchObject({ type: T.TENSOR, t: { data_type: OnnxDataType.INT32, raw_data: [42, 0, 0, 0] } });
    const leaky = m.graph!.node!.find((n) => n.op_type === 'LeakyRelu')!;
    expect(leaky.attribute).toEqual([{ name: 'alpha', type: T.FLOAT, f: Math.fround(0.1) }]);
    const iff = m.graph!.node!.find((n) => n.op_type === 'If')!;
    expect(iff.attribute![0]).toMatchObject({ name: 'else_branch', type: T.GRAPH, g: { name: 'then_body' } });
  });

  it('writes numeric initializers as little-endian raw_data and strings as string_data', () => {
    const m = decodeRaw(encodeModel(sampleGraph(), SAMPLE_OPTIONS));
    const init = Object.fromEntries(m.graph!.initializer!.map((t) => [t.name, t]));
    expect(init.i32).toMatchObject({ dims: ['2'], data_type: OnnxDataType.INT32, raw_data: [249, 255, 255, 255, 255, 255, 255, 127] });
    expect(init.half).toMatchObject({ data_type: OnnxDataType.FLOAT16, raw_data: [0x00, 0x3c, 0x00, 0xc0] });
    expect(init.flags).toMatchObject({ dims: ['2', '1'], data_type: OnnxDataType.BOOL, raw_data: [1, 0] });
    expect(init.words).toMatchObject({ data_type: OnnxDataType.STRING, string_data: [[...Buffer.from('hello')], [...Buffer.from('wörld ✓')]] });
    expect(init.words!.raw_data).toBeUndefined();
    expect(init.empty).toMatchObject({ dims: ['0', '3'], raw_data: [] });
    expect(m.graph!.initializer!.map((t) => t.name).slice(0, 3)).toEqual(['w', 'half', 'i32']);
  });

  it('writes bools as exactly 0 or 1 and copies weights rather than aliasing them', () => {
    const g = new OnnxGraph('m');
    const data = Float32Array.of(1, 2);
    g.addInitializer('w', { dtype: 'float32', dims: [2], data });
    g.addInitializer('b', { dtype: 'bool', dims: [3], data: Uint8Array.of(0, 2, 255) });
    const bytes = encodeModel(g);
    data[0] = 99;
    const init = decodeRaw(bytes).graph!.initializer!;
    expect(init[1]!.raw_data).toEqual([0, 1, 1]);
    expect(Buffer.from(encodeModel(g)).equals(Buffer.from(bytes))).toBe(false);
  });

  it('keeps the dtype numbers in line with the schema enum', () => {
    for (const [name, n] of Object.entries(OnnxDataType)) expect(DataTypeEnum.values[name]).toBe(n);
  });

  it('writes symbolic dims as dim_param and unknown dims as empty dimensions', () => {
    const m = decodeRaw(encodeModel(sampleGraph(), SAMPLE_OPTIONS));
    const ids = m.graph!.input!.find((v) => v.name === 'ids')!;
    expect(ids.type).toEqual({
      tensor_type: { elem_type: OnnxDataType.INT64, shape: { dim: [{ dim_param: 'batch' }, {}] } },
    });
    const outs = m.graph!.output!;
    expect(outs[0]).toEqual({
      name: 'y',
      type: { tensor_type: { elem_type: OnnxDataType.FLOAT, shape: { dim: [{ dim_param: 'batch' }, { dim_value: '3' }] } } },
    });
    expect(outs[1]).toEqual({ name: 'ids' });
  });

  it('writes model-level fields only when given', () => {
    const m = decodeRaw(encodeModel(sampleGraph(), SAMPLE_OPTIONS));
    expect(m.producer_name).toBe('modalflow-test');
    expect(m.producer_version).toBe('0.0.1');
    expect(m.doc_string).toBe('sample model');
    expect(m.graph!.doc_string).toBe('a graph for tests');
    expect(m.metadata_props).toEqual([
      { key: 'a.key', value: 'one' },
      { key: 'b.key', value: 'two' },
    ]);
    const bare = decodeRaw(encodeModel(new OnnxGraph('g')));
    expect(Object.keys(bare).sort()).toEqual(['graph', 'ir_version', 'opset_import']);
  });

  it('refuses nodes from a domain without an opset version', () => {
    const g = new OnnxGraph('m');
    g.opOf('com.microsoft', 'FusedMatMul', []);
    expect(codeOf(() => encodeModel(g))).toBe('ONNX_MISSING_OPSET');
    expect(() => encodeModel(g, { opsets: { 'com.microsoft': 1 } })).not.toThrow();
  });

  it('refuses malformed tensors, attributes and shapes with codes naming them', () => {
    const bad = new OnnxGraph('m');
    bad.addInitializer('w', { dtype: 'float32', dims: [3], data: new Float32Array(2) });
    expect(() => encodeModel(bad)).toThrow(/ONNX_BAD_TENSOR: tensor "w" has dims \[3\] \(3 values\) but 2 values/);

    const wrongArray = new OnnxGraph('m');
    wrongArray.addInitializer('w', { dtype: 'int64', dims: [1], data: new Float32Array(1) });
    expect(codeOf(() => encodeModel(wrongArray))).toBe('ONNX_BAD_TENSOR');

    const attr = new OnnxGraph('m');
    attr.opOf('', 'Foo', [], { k: ints([1.5]) }, { name: 'foo' });
    expect(() => encodeModel(attr)).toThrow(/ONNX_BAD_ATTRIBUTE: attribute "k" must hold integers.*node "foo"/);

    const shape = new OnnxGraph('m');
    shape.addInput('x', 'float32', [-1]);
    expect(codeOf(() => encodeModel(shape))).toBe('ONNX_BAD_SHAPE');
  });

  it('toModelProto returns plain data that can be inspected before encoding', () => {
    const m = toModelProto(sampleGraph(), SAMPLE_OPTIONS);
    expect(m.graph!.name).toBe('sample');
    expect(m.graph!.node!.length).toBe(sampleGraph().nodes.length);
  });
});
