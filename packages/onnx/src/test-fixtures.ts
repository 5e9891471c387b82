import { OnnxGraph } from './graph.ts';
import { f, floats, g, i, ints, s, strs, t } from './ir.ts';

/**
 * A small graph touching every feature the encoder writes: symbolic dims, all initializer
 * dtypes, every attribute kind, scopes, a custom domain and a subgraph. Shared by the tests.
 */
export function sampleGraph(): OnnxGraph {
  const graph = new OnnxGraph('sample');
  graph.docString = 'a graph for tests';
  const x = graph.addInput('x', 'float32', ['batch', 4]);
  const ids = graph.addInput('ids', 'int64', ['batch', null]);
  graph.addInitializer('w', { dtype: 'float32', dims: [4, 3], data: Float32Array.from({ length: 12 }, (_, k) => k / 8 - 0.5) });
  graph.addInitializer('half', { dtype: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0xc000) });
  graph.addInitializer('i32', { dtype: 'int32', dims: [2], data: Int32Array.of(-7, 2 ** 31 - 1) });
  graph.addInitializer('i8', { dtype: 'int8', dims: [3], data: Int8Array.of(-128, 0, 127) });
  graph.addInitializer('u8', { dtype: 'uint8', dims: [2], data: Uint8Array.of(0, 255) });
  graph.addInitializer('flags', { dtype: 'bool', dims: [2, 1], data: Uint8Array.of(1, 0) });
  graph.addInitializer('words', { dtype: 'string', dims: [2], data: ['hello', 'wörld ✓'] });
  graph.addInitializer('empty', { dtype: 'float32', dims: [0, 3], data: new Float32Array(0) });
  const big = graph.constInt64([-(2n ** 63n), 2n ** 63n - 1n, 5n]);

  const h = graph.scope('enc', () => {
    const mm = graph.op('MatMul', [x, 'w']);
    return graph.op('LeakyRelu', [mm], { alpha: f(0.1) });
  });
  const body = graph.subgraph('then_body');
  body.addOutput(body.op('Identity', [h], {}, { outputName: 'then_out' }), 'float32');
  const cond = graph.op('Cast', [graph.scalarInt64(1)], { to: i(9) });
  graph.op('If', [cond], { then_branch: g(body), else_branch: g(body) });
  graph.opOf(
    'com.example',
    'Custom',
    [ids, '', big],
    {
      z_int: i(2n ** 62n),
      a_ints: ints([1, -1, 2n ** 40n]),
      m_floats: floats([1.5, -0.25]),
      s_str: s('mode'),
      q_strs: strs(['a', 'ü']),
      value: t({ dtype: 'int32', dims: [], data: Int32Array.of(42) }),
    },
  );
  graph.addOutput(graph.identity(h, 'y'), 'float32', ['batch', 3]);
  graph.addOutput(ids);
  return graph;
}

export const SAMPLE_OPTIONS = {
  opset: 17,
  opsets: { 'com.example': 1 },
  producerName: 'modalflow-test',
  producerVersion: '0.0.1',
  docString: 'sample model',
  metadata: { 'b.key': 'two', 'a.key': 'one' },
};
