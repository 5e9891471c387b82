import type { Dim } from '@modalflow/onnx';

/**
 * Numpy-style broadcast of shapes; undefined when two known sizes clash. Per axis: a known size
 * other than 1 wins; else a symbol; else unknown (null) if any operand is unknown; else 1.
 */
export function broadcastShapes(shapes: readonly (readonly Dim[])[]): Dim[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let size: number | undefined;
    let symbol: string | undefined;
    let unknown = false;
    for (const s of shapes) {
      const at = s.length - rank + k;
      if (at < 0) continue;
      const e = s[at]!;
      if (typeof e === 'number') {
        if (e === 1) continue;
        if (size !== undefined && size !== e) return undefined;
        size = e;
      } else if (typeof e === 'string') symbol ??= e;
      else unknown = true;
    }
    out.push(size ?? symbol ?? (unknown ? null : 1));
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
