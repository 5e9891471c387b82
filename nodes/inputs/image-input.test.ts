import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '../index.ts';
import { graphDoc, runGraph } from './run-graph.ts';

const pixels = (h: number, w: number, seed = 1): Tensor => {
  const data = new Uint8Array(h * w * 3);
  for (let k = 0; k < data.length; k++) data[k] = (k * 37 + seed * 11) % 256;
  return { dtype: 'uint8', dims: [1, h, w, 3], data };
};

describe('input.image', () => {
  it('is an image input of uint8 [B, H, W, 3] with per-node symbolic sizes', () => {
    const doc = graphDoc([['img', 'input.image'], ['out', 'output.tensor']], [['img.pixels', 'out.value']]);
    const analysis = analyzeGraph(doc, createRegistry());
    expect(analysis.ok).toBe(true);
    const info = analysis.nodes.get('img')!;
    expect(info.outputDtypes['pixels']).toBe('uint8');
    expect(info.outputShapes['pixels']).toEqual(['B', 'H_img', 'W_img', 3]);
    const { plan } = compileGraph(doc, createRegistry());
    expect(plan.inputs).toEqual([expect.objectContaining({ name: 'img', kind: 'image', dtype: 'uint8' })]);
  });

  it('fixes the size when height and width are given', () => {
    const doc = graphDoc([['img', 'input.image', { height: 32, width: 48 }], ['out', 'output.tensor']], [['img.pixels', 'out.value']]);
    expect(analyzeGraph(doc, createRegistry()).nodes.get('img')!.outputShapes['pixels']).toEqual(['B', 32, 48, 3]);
  });

  it('feeds decoded pixels by node id, and two images of one graph may differ in size', async () => {
    const doc = graphDoc(
      [['a', 'input.image'], ['b', 'input.image'], ['oa', 'output.tensor'], ['ob', 'output.tensor']],
      [['a.pixels', 'oa.value'], ['b.pixels', 'ob.value']],
    );
    const out = await runGraph(doc, { a: pixels(4, 6), b: pixels(5, 3, 2) });
    expect(out['oa']!.dims).toEqual([1, 4, 6, 3]);
    expect(Array.from(out['ob']!.data as Uint8Array)).toEqual(Array.from(pixels(5, 3, 2).data as Uint8Array));
  });

  it('refuses an image of another size when the size is fixed', async () => {
    const doc = graphDoc([['img', 'input.image', { height: 4, width: 4 }], ['out', 'output.tensor']], [['img.pixels', 'out.value']]);
    await expect(runGraph(doc, { img: pixels(4, 5) })).rejects.toThrow(/dimension 2 must be 4/);
  });

  it('names its batch axis after `batch`, or fixes it to a number', async () => {
    const doc = (batch: string) => graphDoc([['img', 'input.image', { batch }], ['out', 'output.tensor']], [['img.pixels', 'out.value']]);
    expect(analyzeGraph(doc('N'), createRegistry()).nodes.get('img')!.outputShapes['pixels']).toEqual(['N', 'H_img', 'W_img', 3]);
    expect(analyzeGraph(doc('1'), createRegistry()).nodes.get('img')!.outputShapes['pixels']).toEqual([1, 'H_img', 'W_img', 3]);
    await expect(runGraph(doc('1'), { img: { ...pixels(2, 2), dims: [2, 1, 2, 3] } })).rejects.toThrow(/dimension 0 must be 1/);
  });
});
