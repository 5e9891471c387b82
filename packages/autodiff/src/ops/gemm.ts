import { defineOp } from '../op.ts';
import { broadcastShapes } from '../broadcast.ts';
import { input } from './util.ts';

/**
 * y = alpha A' B' + beta C with A' = transA ? A^T : A, B' = transB ? B^T : B (2-D), C broadcast
 * to [M, N]. With d = alpha dy:
 *   dA' = d B'^T, so dA = transA ? B' d^T : d B'^T
 *   dB' = A'^T d, so dB = transB ? d^T A' : A'^T d
 *   dC = sum_to(beta dy, C).
 * Each product is itself a Gemm with the right trans flags, so no Transpose nodes are needed.
 */
export default defineOp({
  type: 'Gemm',
  infer: (ctx) => {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    if (a.shape.length !== 2 || b.shape.length !== 2) return ctx.fail('A and B must be 2-D');
    const ta = ctx.attr.int('transA', 0) === 1;
    const tb = ctx.attr.int('transB', 0) === 1;
    const [m, ka] = ta ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [kb, n] = tb ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) return ctx.fail(`inner sizes ${ka} and ${kb} differ`);
    const c = ctx.inputs[2];
    if (c && !broadcastShapes([c.shape, [m, n]])) return ctx.fail('C does not broadcast to [M, N]');
    return [{ dtype: a.dtype, shape: [m, n] }];
  },
  grad: ({ g, x, dy, need, attr, shape, scalar, unbroadcast }) => {
    const alpha = attr.float('alpha', 1);
    const beta = attr.float('beta', 1);
    const ta = attr.int('transA', 0) === 1;
    const tb = attr.int('transB', 0) === 1;
    const [a, b] = [x[0]!, x[1]!];
    const d = alpha === 1 ? dy[0]! : g.op('Mul', [dy[0]!, scalar(alpha, dy[0]!)]);
    const gemm = (p: string, q: string, tp: boolean, tq: boolean) =>
      g.op('Gemm', [p, q], { transA: { kind: 'int', value: tp ? 1 : 0 }, transB: { kind: 'int', value: tq ? 1 : 0 } });
    // B' = op(B), A' = op(A): pass the stored operand and fold its transposition into the flag.
    const da = need[0] ? (ta ? gemm(b, d, tb, true) : gemm(d, b, false, !tb)) : undefined;
    const db = need[1] ? (tb ? gemm(d, a, true, ta) : gemm(a, d, !ta, false)) : undefined;
    let dc: string | undefined;
    if (need[2] && x[2]) {
      const scaled = beta === 1 ? dy[0]! : g.op('Mul', [dy[0]!, scalar(beta, dy[0]!)]);
      dc = unbroadcast(scaled, shape(x[2]));
    }
    return [da, db, dc];
  },
});
