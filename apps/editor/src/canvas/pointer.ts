import type { XY } from '../store/types.ts';

let last: XY | null = null;

/** Where the pointer last was over the canvas, in screen pixels; paste lands there. */
export function trackPointer(x: number, y: number) {
  last = { x, y };
}

export function lastPointer(): XY | null {
  return last;
}
