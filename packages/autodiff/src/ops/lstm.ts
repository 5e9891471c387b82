import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { input } from './util.ts';

/**
 * The fused ONNX LSTM. Output shapes follow from the attributes: with D directions
 * (2 when bidirectional) and hidden size H, layout 0 gives Y [T, D, B, H] and Y_h, Y_c [D, B, H]
 * for X [T, B, I]; layout 1 gives Y [B, T, D, H] and Y_h, Y_c [B, D, H] for X [B, T, I].
 *
 * No gradient rule: backpropagation through time needs every step's gates and cell state, and
 * the fused op returns only Y and the final states. A rule would have to re-run the recurrence
 * step by step (a Loop or Scan over a subgraph, which this IR does not differentiate), so
 * differentiating through an LSTM stops with MF_GRAD_NO_RULE naming the node.
 */
export default defineOp({
  type: 'LSTM',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const r = input(ctx, 2);
    if (x.shape.length !== 3) return ctx.fail('X must be 3-D');
    const direction = ctx.attr.string('direction', 'forward');
    if (!['forward', 'reverse', 'bidirectional'].includes(direction)) return ctx.fail(`unknown direction "${direction}"`);
    const d = direction === 'bidirectional' ? 2 : 1;
    const h: Dim = ctx.attr.has('hidden_size') ? ctx.attr.int('hidden_size') : (r.shape[2] ?? null);
    const layout = ctx.attr.int('layout', 0);
    const [t, b] = layout === 0 ? [x.shape[0]!, x.shape[1]!] : [x.shape[1]!, x.shape[0]!];
    const y: Dim[] = layout === 0 ? [t, d, b, h] : [b, t, d, h];
    const state: Dim[] = layout === 0 ? [d, b, h] : [b, d, h];
    return [
      { dtype: x.dtype, shape: y },
      { dtype: x.dtype, shape: state },
      { dtype: x.dtype, shape: [...state] },
    ];
  },
});
