import type { Dim } from '@modalflow/onnx';

/** Numpy-style broadcast of shapes; undefined when two known sizes clash. */
export function broadcastShapes(shapes: readonly (readonly Dim[])[]): Dim[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + k] ?? 1;
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (typeof d === 'number' && typeof e === 'number' && d !== e) return undefined;
      else if (d === null || typeof d === 'string') d = typeof e === 'number' ? e : d ?? e;
    }
    out.push(d);
  }
  return out;
}

/**
 * Axes of a broadcast result of shape `from` that are summed to get back to operand shape
 * `to`: the leading axes `to` lacks, and every axis where `to` has size 1 but `from` does not.
 */
export function reducedAxes(from: readonly number[], to: readonly number[]): number[] {
  const lead = from.length - to.length;
  const axes: number[] = [];
  for (let k = 0; k < from.length; k++) {
    if (k < lead || (to[k - lead] === 1 && from[k] !== 1)) axes.push(k);
  }
  return axes;
}

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
