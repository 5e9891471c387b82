import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = erf x = 2/sqrt(pi) int_0^x exp(-t^2) dt. dx = dy 2/sqrt(pi) exp(-x^2). */
export default defineOp({
  type: 'Erf',
  infer: sameAsInput,
  grad: ({ g, x, dy, scalar }) => {
    const gauss = g.op('Exp', [g.op('Neg', [g.op('Mul', [x[0]!, x[0]!])])]);
    return [g.op('Mul', [dy[0]!, g.op('Mul', [gauss, scalar(2 / Math.sqrt(Math.PI), x[0]!)])])];
  },
});
