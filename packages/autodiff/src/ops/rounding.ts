import { defineOp } from '../op.ts';
import { foldBroadcast, sameAsInput } from './util.ts';

/** Round half to even, as ONNX Round (and numpy, and Python's round). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Step functions: the derivative is 0 almost everywhere and undefined at the steps, so no
 * gradient flows (torch returns zeros for floor/ceil/round/sign, which is the same thing).
 * They fold, since index arithmetic (centre crops, resize sizes) goes through them.
 */
function step(type: string, fn: (v: number) => number) {
  return defineOp({
    type,
    differentiable: false,
    infer: sameAsInput,
    fold: (ctx) => foldBroadcast(ctx, sameAsInput(ctx)[0]!, fn),
  });
}

export const Floor = step('Floor', Math.floor);
export const Ceil = step('Ceil', Math.ceil);
export const Round = step('Round', roundHalfEven);
export const Sign = step('Sign', Math.sign);
