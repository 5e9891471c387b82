import type { Dim, OnnxGraph } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import type { ValueType } from '../types.ts';
import { input, known } from './util.ts';

/**
 * y = then_branch() if cond else else_branch(). The branches are subgraphs that may read outer
 * values, so their outputs are typed from the declared output types: a dim both branches agree
 * on is kept, one they differ on is unknown. A constant cond picks its branch outright.
 *
 * No gradient rule: the rule would differentiate each branch as a subgraph and emit an If over
 * the two backward graphs, and this IR differentiates flat graphs only.
 */
export default defineOp({
  type: 'If',
  infer: (ctx) => {
    const cond = input(ctx, 0);
    if (cond.shape.length > 1 || (cond.shape.length === 1 && cond.shape[0] !== 1)) return ctx.fail('cond must hold one value');
    const branch = (name: string): OnnxGraph => {
      const a = ctx.node.attrs[name];
      if (a?.kind !== 'graph') return ctx.fail(`attribute "${name}" must be a graph`);
      return a.value;
    };
    const thenG = branch('then_branch');
    const elseG = branch('else_branch');
    if (thenG.outputs.length !== elseG.outputs.length) return ctx.fail('the branches have different numbers of outputs');
    const c = known(ctx, 0);
    const typeOf = (gr: OnnxGraph, k: number): ValueType => {
      const o = gr.outputs[k]!;
      if (!o.dtype || !o.shape) return ctx.fail(`output ${k} of branch "${gr.name}" has no declared type and shape`);
      return { dtype: o.dtype, shape: [...o.shape] };
    };
    return thenG.outputs.map((_, k) => {
      if (c) return typeOf(c[0] ? thenG : elseG, k);
      const a = typeOf(thenG, k);
      const b = typeOf(elseG, k);
      if (a.dtype !== b.dtype) return ctx.fail(`output ${k}: the branches give ${a.dtype} and ${b.dtype}`);
      if (a.shape.length !== b.shape.length) return ctx.fail(`output ${k}: the branches give ranks ${a.shape.length} and ${b.shape.length}`);
      const shape: Dim[] = a.shape.map((d, j) => (d === b.shape[j] ? d : null));
      return { dtype: a.dtype, shape };
    });
  },
});
