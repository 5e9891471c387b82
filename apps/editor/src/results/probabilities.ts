import type { Tensor } from '@modalflow/core';

export interface Bar {
  label: string;
  value: number;
  /** The class index the bar stands for. */
  index: number;
}

/** Row-wise softmax of a [N, M] float tensor (numerically stable). */
export function softmaxRows(t: Tensor): Float32Array {
  const [n, m] = t.dims as [number, number];
  const x = t.data as Float32Array;
  const out = new Float32Array(n * m);
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let c = 0; c < m; c++) max = Math.max(max, x[r * m + c]!);
    let sum = 0;
    for (let c = 0; c < m; c++) sum += out[r * m + c] = Math.exp(x[r * m + c]! - max);
    for (let c = 0; c < m; c++) out[r * m + c]! /= sum;
  }
  return out;
}

/** The bars of a top-k node: its `scores` and `labels` outputs, [B, k] each, best first. */
export function topkBars(scores: Tensor, labels: Tensor | undefined, indices?: Tensor): Bar[][] {
  const [rows, k] = scores.dims as [number, number];
  const s = scores.data as Float32Array;
  const names = labels?.dtype === 'string' ? (labels.data as string[]) : null;
  const idx = indices?.data instanceof BigInt64Array ? indices.data : null;
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: k }, (_, j) => {
      const o = r * k + j;
      const index = idx ? Number(idx[o]) : j;
      return { label: names?.[o] ?? `#${index}`, value: s[o]!, index };
    }),
  );
}

/**
 * The `top` largest values of each row of a [B, C] tensor (probabilities), labelled from
 * `labels` where it names every class, else by class index.
 */
export function rowBars(values: Float32Array, rows: number, classes: number, labels?: readonly string[], top = 10): Bar[][] {
  const named = labels && labels.length === classes ? labels : null;
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: classes }, (_, c) => c)
      .sort((a, b) => values[r * classes + b]! - values[r * classes + a]! || a - b)
      .slice(0, top)
      .map((c) => ({ label: named?.[c] ?? `#${c}`, value: values[r * classes + c]!, index: c })),
  );
}
