import { NodeError, defineNode, dimAdd, tensor, type Shape } from '@modalflow/core';
import { i } from '@modalflow/onnx';
import '../lib/lowering.ts';

/**
 * Late fusion by concatenation of feature vectors along the last axis: h = [a; b; c; d].
 * Leading axes (batch, sequence) must agree.
 */
export default defineNode({
  type: 'fusion.concat',
  version: 1,
  category: 'fusion',
  title: 'Concat (features)',
  doc: 'Concatenates feature vectors along the last axis: the simplest late fusion. Leading axes must agree.',
  formula: 'h = [\\,a \\,;\\, b \\,;\\, c \\,;\\, d\\,]',
  source: 'Late fusion baseline (e.g. MMF concat_mlp)',
  inputs: {
    a: tensor('float32', null),
    b: tensor('float32', null),
    c: tensor('float32', null, { optional: true }),
    d: tensor('float32', null, { optional: true }),
  },
  outputs: { h: tensor('float32', null) },
  infer: ({ inputs }) => {
    const parts = (['a', 'b', 'c', 'd'] as const).flatMap((p) => (inputs[p] ? [[p, inputs[p]] as [string, Shape]] : []));
    const [, first] = parts[0]!;
    let last: Shape[number] = 0;
    for (const [port, s] of parts) {
      if (s.length === 0) throw new NodeError(`"${port}" is a scalar; concatenation needs a feature axis`, { port });
      if (s.length !== first.length) {
        throw new NodeError(`"${port}" has rank ${s.length} but "a" has rank ${first.length}`, { port });
      }
      s.slice(0, -1).forEach((d, k) => {
        const e = first[k]!;
        if (typeof d === 'number' && typeof e === 'number' && d !== e) {
          throw new NodeError(`"${port}" axis ${k} is ${d} but "a" has ${e}`, { port });
        }
      });
      last = dimAdd(last, s.at(-1)!);
    }
    return { h: [...first.slice(0, -1), last] };
  },
  lower: ({ g, x }) => ({
    h: g.op('Concat', (['a', 'b', 'c', 'd'] as const).flatMap((p) => (x[p] ? [x[p]!] : [])), { axis: i(-1) }),
  }),
});
