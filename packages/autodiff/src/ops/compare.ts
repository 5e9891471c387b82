import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/** Comparisons and logic give booleans: piecewise constant, so no gradient flows through them. */
function comparison(type: string, fn: (a: number, b: number) => boolean) {
  return defineOp({
    type,
    differentiable: false,
    infer: (ctx) => broadcastInfer(ctx, 'bool'),
    fold: (ctx) => foldBroadcast(ctx, broadcastInfer(ctx, 'bool')[0]!, (a, b) => (fn(a, b!) ? 1 : 0)),
  });
}

export const Equal = comparison('Equal', (a, b) => a === b);
export const Less = comparison('Less', (a, b) => a < b);
export const LessOrEqual = comparison('LessOrEqual', (a, b) => a <= b);
export const Greater = comparison('Greater', (a, b) => a > b);
export const GreaterOrEqual = comparison('GreaterOrEqual', (a, b) => a >= b);
export const And = comparison('And', (a, b) => a !== 0 && b !== 0);
export const Or = comparison('Or', (a, b) => a !== 0 || b !== 0);
export const Xor = comparison('Xor', (a, b) => (a !== 0) !== (b !== 0));
