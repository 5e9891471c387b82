import { describe, expect, it } from 'vitest';
import { OnnxGraph } from './graph.ts';
import { f, g, i, ints, s, type Attr } from './ir.ts';
import type { AttrsOf, OpType } from './op-types.ts';

// The checks that matter here happen in `tsc`: every `@ts-expect-error` line must fail to compile,
// and the typecheck script fails if one of them stops failing. The bodies only run so vitest sees
// the calls are otherwise well formed.
describe('typed op construction', () => {
  it('accepts known ops with attributes of the declared kinds', () => {
    const gr = new OnnxGraph('typed');
    const x = gr.addInput('x', 'float32', [2, 3]);
    gr.op('Transpose', [x], { perm: ints([1, 0]) });
    gr.op('Softmax', [x], { axis: i(-1) });
    gr.op('LeakyRelu', [x], { alpha: f(0.2) });
    gr.op('Resize', [x], { mode: s('linear') });
    gr.op('Gemm', [x, x], { transB: i(1), alpha: f(1) });
    gr.op('ReduceSum', [x], { keepdims: { kind: 'int', value: 0 } });
    gr.opN('Split', [x], 2, { axis: i(1) });
    gr.op('If', [x], { then_branch: g(gr.subgraph('a')), else_branch: g(gr.subgraph('b')) });
    gr.op('Relu', [x]);
    gr.op('Relu', [x], {}, { name: 'r' });
    const either: 'Less' | 'Greater' = Math.random() < 2 ? 'Less' : 'Greater';
    gr.op(either, [x, x]);
    expect(gr.nodes.map((n) => n.opType)).toContain('Transpose');
    expect(gr.nodes.every((n) => n.domain === undefined)).toBe(true);
  });

  it('rejects misspelt op types, unknown attributes and wrong kinds at compile time', () => {
    const gr = new OnnxGraph('typos');
    const x = gr.addInput('x', 'float32', [2, 3]);
    const attempts = [
      // @ts-expect-error misspelt op type
      () => gr.op('Tranpose', [x], { perm: ints([1, 0]) }),
      // @ts-expect-error misspelt attribute name
      () => gr.op('Transpose', [x], { prem: ints([1, 0]) }),
      // @ts-expect-error an int attribute given as a float
      () => gr.op('Softmax', [x], { axis: f(1) }),
      // @ts-expect-error a float attribute given as an int
      () => gr.op('LeakyRelu', [x], { alpha: i(0) }),
      // @ts-expect-error an op without attributes takes none
      () => gr.op('Relu', [x], { alpha: f(0) }),
      // @ts-expect-error ReduceSum takes its axes as an input at opset 17
      () => gr.op('ReduceSum', [x], { axes: ints([1]) }),
      // @ts-expect-error Split's num_outputs only exists from opset 18
      () => gr.opN('Split', [x], 2, { num_outputs: i(2) }),
      // @ts-expect-error misspelt op type in opN
      () => gr.opN('TopKk', [x], 2),
      // @ts-expect-error ops of other domains go through opOf
      () => gr.op('FusedMatMul', [x, x], {}),
      // @ts-expect-error the typed op has no domain option
      () => gr.op('MatMul', [x, x], {}, { domain: 'com.microsoft' }),
      // @ts-expect-error an untyped attribute bag is refused for an op without attributes
      () => gr.op('Relu', [x], {} as Record<string, Attr>),
    ];
    expect(attempts).toHaveLength(11);
  });

  it('opOf and opNOf take any domain and op type', () => {
    const gr = new OnnxGraph('custom');
    const x = gr.addInput('x', 'float32', [2, 2]);
    gr.opOf('com.microsoft', 'FusedMatMul', [x, x], { alpha: f(1) });
    gr.opNOf('', 'SomeFutureOp', [x], 2, { k: i(1) });
    expect(gr.nodes.map((n) => [n.domain, n.opType])).toEqual([
      ['com.microsoft', 'FusedMatMul'],
      [undefined, 'SomeFutureOp'],
    ]);
  });
});

// Compile-time only: the table's keys and kinds.
type Assert<T extends true> = T;
export type TableChecks = [
  Assert<'ConvTranspose' extends OpType ? true : false>,
  Assert<'ScatterND' extends OpType ? true : false>,
  Assert<'Einsum' extends OpType ? true : false>,
  Assert<'FusedMatMul' extends OpType ? false : true>,
  Assert<AttrsOf<'Einsum'> extends { equation?: { kind: 'string' } } ? true : false>,
  Assert<AttrsOf<'Relu'> extends Record<string, never> ? true : false>,
];
