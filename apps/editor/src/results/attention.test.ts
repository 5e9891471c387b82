import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { attentionMatrix, attentionRow, attentionShape, inferGrid, patchSpan, patchWeights, poolMatrix, tokenName, visibleRegion } from './attention.ts';

/** [B=1, H=2, T=3, T=3]: head 0 row q is (q, q+1, q+2)/10, head 1 is ten times that. */
const attn: Tensor = {
  dtype: 'float32',
  dims: [1, 2, 3, 3],
  data: new Float32Array([0, 0.1, 0.2, 0.1, 0.2, 0.3, 0.2, 0.3, 0.4, 0, 1, 2, 1, 2, 3, 2, 3, 4]),
};

describe('attention maps', () => {
  it('reads [B, H, Tq, Tk], and lower ranks as one head or one query', () => {
    expect(attentionShape(attn)).toEqual({ batch: 1, heads: 2, queries: 3, keys: 3 });
    expect(attentionShape({ dtype: 'float32', dims: [2, 4, 5], data: new Float32Array(40) })).toEqual({ batch: 2, heads: 1, queries: 4, keys: 5 });
    expect(attentionShape({ dtype: 'float32', dims: [2, 36], data: new Float32Array(72) })).toEqual({ batch: 2, heads: 1, queries: 1, keys: 36 });
    expect(attentionShape({ dtype: 'int64', dims: [1, 1, 1, 1], data: new BigInt64Array(1) })).toBeNull();
  });

  it('takes one head’s row or the mean over heads', () => {
    const shape = attentionShape(attn)!;
    expect(Array.from(attentionRow(attn, shape, 0, 1, 2))).toEqual([2, 3, 4]);
    expect(Array.from(attentionRow(attn, shape, 0, 'mean', 1)).map((v) => +v.toFixed(4))).toEqual([0.55, 1.1, 1.65]);
    expect(attentionMatrix(attn, shape, 0, 0)).toEqual(new Float32Array([0, 0.1, 0.2, 0.1, 0.2, 0.3, 0.2, 0.3, 0.4]));
  });
});

describe('attention to a patch grid', () => {
  it('factors the patch count into the grid closest to the picture’s aspect', () => {
    expect(inferGrid(49, 1)).toEqual({ gh: 7, gw: 7 });
    expect(inferGrid(6, 1.5)).toEqual({ gh: 2, gw: 3 });
    expect(inferGrid(6, 0.6)).toEqual({ gh: 3, gw: 2 });
    expect(inferGrid(0, 1)).toBeNull();
  });

  it('without the graph, reads T − 1 = gh × gw as a class token and the patches', () => {
    expect(patchSpan(50, null, 1)).toEqual({ offset: 1, gh: 7, gw: 7 });
    expect(patchSpan(7, null, 1.5)).toEqual({ offset: 1, gh: 2, gw: 3 });
    // 8 keys: 7 patches is prime (a strip), 8 without a class token is 2 × 4.
    expect(patchSpan(8, null, 2)).toEqual({ offset: 0, gh: 2, gw: 4 });
    expect(patchSpan(3, null, 1)).toBeNull();
  });

  it('with the graph, finds the patches alone, first, or after the text of a joined sequence', () => {
    const grid = { gh: 2, gw: 3, classToken: true };
    expect(patchSpan(7, { ...grid, position: 'start' }, 1)).toEqual({ offset: 1, gh: 2, gw: 3 });
    // ViLT: 8 text tokens, then the image's class token and its 6 patches.
    expect(patchSpan(15, { ...grid, position: 'end' }, 1)).toEqual({ offset: 9, gh: 2, gw: 3 });
    expect(patchSpan(15, { ...grid, position: 'start' }, 1)).toEqual({ offset: 1, gh: 2, gw: 3 });
    expect(patchSpan(5, { ...grid, position: 'end' }, 1)).toBeNull();
  });

  it('scales the patch weights of a row to [0, 1]', () => {
    const row = new Float32Array([0.9, 0.1, 0.3, 0.2, 0.5]);
    expect(Array.from(patchWeights(row, { offset: 1, gh: 2, gw: 2 })).map((v) => +v.toFixed(4))).toEqual([0, 0.5, 0.25, 1]);
    expect(Array.from(patchWeights(new Float32Array([1, 1, 1]), { offset: 0, gh: 1, gw: 3 }))).toEqual([0, 0, 0]);
  });

  it('maps the model’s centre crop back onto the picture', () => {
    expect(visibleRegion(200, 100, 32, 32)).toEqual({ x: 50, y: 0, width: 100, height: 100 });
    expect(visibleRegion(100, 200, 32, 32)).toEqual({ x: 0, y: 50, width: 100, height: 100 });
    expect(visibleRegion(300, 200, 48, 32)).toEqual({ x: 0, y: 0, width: 300, height: 200 });
  });

  it('names tokens by patch row and column', () => {
    const span = { offset: 9, gh: 2, gw: 3 };
    expect([0, 3, 8, 9, 14].map((i) => tokenName(i, span, true))).toEqual(['token 0 (first, CLS)', 'token 3', 'image class token', 'patch 1,1', 'patch 2,3']);
  });

  it('averages a long map down to a drawable size', () => {
    const m = new Float32Array([1, 3, 5, 7, 2, 4, 6, 8]);
    expect(poolMatrix(m, 2, 4, 2, 2)).toEqual({ rows: 2, cols: 2, data: new Float32Array([2, 6, 3, 7]) });
    expect(poolMatrix(m, 2, 4, 8, 8).data).toBe(m);
  });
});
