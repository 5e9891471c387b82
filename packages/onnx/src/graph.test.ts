import { ModalflowError } from '@modalflow/core';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from './graph.ts';
import { f, i, ints } from './ir.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModalflowError) return e.code;
    throw e;
  }
  return undefined;
}

describe('OnnxGraph', () => {
  it('names every generated value and node uniquely', () => {
    const g = new OnnxGraph('m');
    const x = g.addInput('x', 'float32', [2]);
    const outs = Array.from({ length: 50 }, () => g.op('Relu', [x]));
    expect(new Set(outs).size).toBe(50);
    expect(new Set(g.nodes.map((n) => n.name)).size).toBe(50);
    expect(outs.slice(0, 3)).toEqual(['Relu_out', 'Relu_1_out', 'Relu_2_out']);
    expect(g.nodes[0]).toEqual({ opType: 'Relu', name: 'Relu', inputs: ['x'], outputs: ['Relu_out'], attrs: {} });
  });

  it('unique never returns a name already taken, even one that looks generated', () => {
    const g = new OnnxGraph('m');
    g.addInput('t', 'float32', [1]);
    g.addInitializer('t_1', { dtype: 'float32', dims: [], data: Float32Array.of(0) });
    const a = g.unique('t');
    const b = g.unique('t');
    expect([a, b]).toEqual(['t_2', 't_3']);
    expect(g.unique('')).toBe('v');
  });

  it('prefixes names created inside scopes, joining nested scopes with /', () => {
    const g = new OnnxGraph('m');
    const x = g.addInput('x', 'float32', [2]);
    const y = g.scope('enc', () => g.scope('layer0', () => g.op('Relu', [x])));
    const c = g.scope('enc', () => g.scalarFloat(1));
    expect(y).toBe('enc/layer0/Relu_out');
    expect(g.nodes[0]!.name).toBe('enc/layer0/Relu');
    expect(c).toBe('enc/const_f32');
    expect(g.op('Relu', [x])).toBe('Relu_out');
  });

  it('leaves the scope when the callback throws', () => {
    const g = new OnnxGraph('m');
    expect(() =>
      g.scope('a', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(g.unique('v')).toBe('v');
  });

  it('exposes values under exact names and refuses to reuse one', () => {
    const g = new OnnxGraph('m');
    const x = g.addInput('x', 'float32', [2]);
    const y = g.scope('s', () => g.identity(g.op('Relu', [x]), 'y'));
    expect(y).toBe('y');
    expect(g.nodes[1]).toMatchObject({ opType: 'Identity', inputs: ['s/Relu_out'], outputs: ['y'] });
    expect(codeOf(() => g.identity(x, 'y'))).toBe('ONNX_DUPLICATE_NAME');
    expect(codeOf(() => g.addInput('x', 'float32', [1]))).toBe('ONNX_DUPLICATE_NAME');
    expect(codeOf(() => g.addInitializer('y', { dtype: 'float32', dims: [], data: Float32Array.of(1) }))).toBe(
      'ONNX_DUPLICATE_NAME',
    );
    g.addOutput('y');
    expect(codeOf(() => g.addOutput('y'))).toBe('ONNX_DUPLICATE_NAME');
    expect(codeOf(() => g.addInput('', 'float32', []))).toBe('ONNX_BAD_NAME');
  });

  it('opN names each output and keeps omitted optional inputs as empty strings', () => {
    const g = new OnnxGraph('m');
    const x = g.addInput('x', 'float32', [4]);
    const [a, b] = g.opN('Split', [x, ''], 2, { axis: i(0) }, { name: 'split' });
    expect([a, b]).toEqual(['split_out0', 'split_out1']);
    expect(g.nodes[0]!.inputs).toEqual(['x', '']);
    const [c] = g.opN('TopK', [x, g.constInt64([1])], 2, {}, { outputNames: ['vals'] });
    expect(c).toBe('vals');
  });

  it('typed constants become initializers with the right dtype and dims', () => {
    const g = new OnnxGraph('m');
    const a = g.constInt64([1, 2, 3]);
    const b = g.constFloat([1, 2, 3, 4], [2, 2]);
    const c = g.scalarInt64(7);
    const d = g.scalarFloat(0.5);
    expect(g.initializers.get(a)).toEqual({ dtype: 'int64', dims: [3], data: BigInt64Array.of(1n, 2n, 3n) });
    expect(g.initializers.get(b)).toEqual({ dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(g.initializers.get(c)).toEqual({ dtype: 'int64', dims: [], data: BigInt64Array.of(7n) });
    expect(g.initializers.get(d)).toEqual({ dtype: 'float32', dims: [], data: Float32Array.of(0.5) });
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('stores attributes with explicit kinds and domain only when given', () => {
    const g = new OnnxGraph('m');
    g.opOf('com.example', 'Foo', [], { n: i(1), x: f(1), l: ints([1, 2]) });
    g.opOf('', 'Bar', []);
    expect(g.nodes[0]!.attrs).toEqual({
      n: { kind: 'int', value: 1 },
      x: { kind: 'float', value: 1 },
      l: { kind: 'ints', value: [1, 2] },
    });
    expect(g.nodes[0]!.domain).toBe('com.example');
    expect('domain' in g.nodes[1]!).toBe(false);
  });

  it('reserve makes later generated names avoid imported ones', () => {
    const g = new OnnxGraph('m');
    g.reserve(['Relu_out'], ['Relu']);
    expect(g.op('Relu', [])).toBe('Relu_1_out');
    expect(g.nodes[0]!.name).toBe('Relu_1');
    expect(g.has('Relu_out')).toBe(true);
  });
});

describe('OnnxGraph.subgraph', () => {
  it('shares names with the graph around it and starts in its scope', () => {
    const g = new OnnxGraph('outer');
    const x = g.addInput('x', 'float32', [1]);
    const y = g.op('Relu', [x]);
    const body = g.scope('block', () => g.subgraph('body'));
    const inner = body.op('Relu', [y]);
    expect(inner).toBe('block/Relu_out');
    expect(body.unique('x')).toBe('block/x');
    expect(() => body.addInput('x', 'float32', [1])).toThrow(/ONNX_DUPLICATE_NAME/);
    expect(g.unique('block/Relu_out')).toBe('block/Relu_out_1');
    expect(body.name).toBe('body');
    expect(g.nodes.length).toBe(1);
    expect(body.nodes.length).toBe(1);
  });
});
