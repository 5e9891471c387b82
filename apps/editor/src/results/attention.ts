import type { Tensor } from '@modalflow/core';

export interface AttentionShape {
  batch: number;
  heads: number;
  queries: number;
  keys: number;
}

/** Reads [B, H, Tq, Tk]; [B, Tq, Tk] (one head) and [B, N] (one query) are attention too. */
export function attentionShape(t: Tensor): AttentionShape | null {
  if (t.dtype !== 'float32') return null;
  const d = t.dims;
  if (d.length === 4) return { batch: d[0]!, heads: d[1]!, queries: d[2]!, keys: d[3]! };
  if (d.length === 3) return { batch: d[0]!, heads: 1, queries: d[1]!, keys: d[2]! };
  if (d.length === 2) return { batch: d[0]!, heads: 1, queries: 1, keys: d[1]! };
  return null;
}

/** One query's weights over the keys, for one head or averaged over heads ('mean'). */
export function attentionRow(t: Tensor, shape: AttentionShape, b: number, head: number | 'mean', q: number): Float32Array {
  const { heads, queries, keys } = shape;
  const data = t.data as Float32Array;
  const at = (h: number) => ((b * heads + h) * queries + q) * keys;
  if (head !== 'mean') return data.slice(at(head), at(head) + keys);
  const row = new Float32Array(keys);
  for (let h = 0; h < heads; h++) {
    const o = at(h);
    for (let k = 0; k < keys; k++) row[k]! += data[o + k]! / heads;
  }
  return row;
}

/** One head's (or the mean's) whole [Tq, Tk] matrix for one example. */
export function attentionMatrix(t: Tensor, shape: AttentionShape, b: number, head: number | 'mean'): Float32Array {
  const out = new Float32Array(shape.queries * shape.keys);
  for (let q = 0; q < shape.queries; q++) out.set(attentionRow(t, shape, b, head, q), q * shape.keys);
  return out;
}

export interface Grid {
  gh: number;
  gw: number;
}

/** The rows × columns factorisation of n closest to a width / height ratio. */
export function inferGrid(n: number, aspect: number): Grid | null {
  if (!(n > 0) || !Number.isInteger(n)) return null;
  let best: Grid | null = null;
  let bestErr = Infinity;
  for (let gh = 1; gh <= n; gh++) {
    if (n % gh) continue;
    const gw = n / gh;
    const err = Math.abs(Math.log(gw / gh / aspect));
    if (err < bestErr - 1e-12) {
      best = { gh, gw };
      bestErr = err;
    }
  }
  return best;
}

/** Where an image's patch tokens sit along the key axis: `gh × gw` tokens from `offset`, row by row. */
export interface PatchSpan extends Grid {
  offset: number;
}

/** What the graph says about the patch tokens reaching an attention node. */
export interface PatchLayout extends Grid {
  classToken: boolean;
  /** The image's tokens come first in a joined sequence, or after another modality's. */
  position: 'start' | 'end';
}

/**
 * Locates the patch tokens among `keys` attention keys. With the graph's layout, the image's
 * tokens (class token first) fill the sequence or sit at its start or end. Without it, the
 * keys are taken as a class token plus the patches (or the patches alone), arranged in the
 * grid closest to the picture's aspect.
 */
export function patchSpan(keys: number, layout: PatchLayout | null, aspect: number): PatchSpan | null {
  if (layout) {
    const patches = layout.gh * layout.gw;
    const cls = layout.classToken ? 1 : 0;
    if (keys < patches + cls) return null;
    const offset = keys === patches + cls || layout.position === 'start' ? cls : keys - patches;
    return { offset, gh: layout.gh, gw: layout.gw };
  }
  for (const cls of [1, 0]) {
    const grid = inferGrid(keys - cls, aspect);
    // A 1 × n strip is no picture; a sequence of text tokens would pass as one.
    if (grid && grid.gh > 1 && grid.gw > 1) return { offset: cls, ...grid };
  }
  return null;
}

/** The weights of the patch tokens, row by row, scaled to [0, 1] so the strongest patch is fully lit. */
export function patchWeights(row: Float32Array, span: PatchSpan): Float32Array {
  const n = span.gh * span.gw;
  const out = row.slice(span.offset, span.offset + n);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of out) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  for (let i = 0; i < n; i++) out[i] = range > 0 ? (out[i]! - lo) / range : 0;
  return out;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The part of a picture the model saw when its preprocessing resized the short side and cut
 * the centre to `modelWidth × modelHeight` (CLIP, ViT); a resize that keeps the aspect shows
 * the whole picture.
 */
export function visibleRegion(width: number, height: number, modelWidth: number, modelHeight: number): Rect {
  const scale = Math.max(modelWidth / width, modelHeight / height);
  const w = Math.min(width, modelWidth / scale);
  const h = Math.min(height, modelHeight / scale);
  return { x: (width - w) / 2, y: (height - h) / 2, width: w, height: h };
}

/** What a key or query index stands for, for pickers and tooltips. */
export function tokenName(index: number, span: PatchSpan | null, classToken: boolean): string {
  if (span) {
    const k = index - span.offset;
    if (k >= 0 && k < span.gh * span.gw) return `patch ${Math.floor(k / span.gw) + 1},${(k % span.gw) + 1}`;
    if (classToken && index === span.offset - 1) return 'image class token';
  }
  return index === 0 ? 'token 0 (first, CLS)' : `token ${index}`;
}

export interface Pooled {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Averages a [rows × cols] matrix down to at most `maxRows × maxCols` cells, so a long sequence still draws in a few hundred pixels. */
export function poolMatrix(matrix: Float32Array, rows: number, cols: number, maxRows: number, maxCols: number): Pooled {
  const r = Math.min(rows, maxRows);
  const c = Math.min(cols, maxCols);
  if (r === rows && c === cols) return { data: matrix, rows, cols };
  const data = new Float32Array(r * c);
  const counts = new Float32Array(r * c);
  for (let i = 0; i < rows; i++) {
    const pi = Math.floor((i * r) / rows);
    for (let j = 0; j < cols; j++) {
      const o = pi * c + Math.floor((j * c) / cols);
      data[o]! += matrix[i * cols + j]!;
      counts[o]!++;
    }
  }
  for (let o = 0; o < data.length; o++) data[o]! /= counts[o]!;
  return { data, rows: r, cols: c };
}
