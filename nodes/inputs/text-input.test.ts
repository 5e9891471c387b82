import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '../index.ts';
import { graphDoc, runGraph } from './run-graph.ts';

describe('input.text', () => {
  const doc = graphDoc([['caption', 'input.text'], ['out', 'output.tensor']], [['caption.text', 'out.value']]);

  it('is a text input of string [B]', () => {
    const info = analyzeGraph(doc, createRegistry()).nodes.get('caption')!;
    expect(info.outputDtypes['text']).toBe('string');
    expect(info.outputShapes['text']).toEqual(['B']);
    const { plan } = compileGraph(doc, createRegistry());
    expect(plan.inputs).toEqual([expect.objectContaining({ name: 'caption', kind: 'text', dtype: 'string', shape: ['B'] })]);
  });

  it('carries strings through a graph', async () => {
    const out = await runGraph(doc, { caption: { dtype: 'string', dims: [2], data: ['a dog', 'two cats'] } });
    expect(out['out']!.data).toEqual(['a dog', 'two cats']);
  });

  it('takes its batch name from `batch`, so texts and images may come in different numbers', async () => {
    const pair = graphDoc(
      [['img', 'input.image', { batch: 'N' }], ['prompts', 'input.text', { batch: 'K' }], ['oi', 'output.tensor'], ['ot', 'output.tensor']],
      [['img.pixels', 'oi.value'], ['prompts.text', 'ot.value']],
    );
    const analysis = analyzeGraph(pair, createRegistry());
    expect(analysis.ok).toBe(true);
    expect(analysis.nodes.get('prompts')!.outputShapes['text']).toEqual(['K']);
    expect(analysis.nodes.get('img')!.outputShapes['pixels']).toEqual(['N', 'H_img', 'W_img', 3]);
    const pixels = { dtype: 'uint8' as const, dims: [1, 2, 2, 3], data: new Uint8Array(12) };
    const prompts = { dtype: 'string' as const, dims: [3], data: ['a photo of a cat', 'a photo of a dog', 'a photo of a car'] };
    const out = await runGraph(pair, { img: pixels, prompts });
    expect(out['oi']!.dims).toEqual([1, 2, 2, 3]);
    expect(out['ot']!.data).toEqual(prompts.data);
    // With the default name both are B, and 1 image with 3 texts is refused.
    const same = graphDoc(
      [['img', 'input.image'], ['prompts', 'input.text'], ['oi', 'output.tensor'], ['ot', 'output.tensor']],
      [['img.pixels', 'oi.value'], ['prompts.text', 'ot.value']],
    );
    await expect(runGraph(same, { img: pixels, prompts })).rejects.toThrow(/dimension "B" is 1 in input "img" but 3 in input "prompts"/);
  });

  it('accepts a fixed batch size and refuses a batch name that is not an identifier', () => {
    const fixed = graphDoc([['t', 'input.text', { batch: '1' }], ['out', 'output.tensor']], [['t.text', 'out.value']]);
    expect(analyzeGraph(fixed, createRegistry()).nodes.get('t')!.outputShapes['text']).toEqual([1]);
    const bad = graphDoc([['t', 'input.text', { batch: 'two words' }], ['out', 'output.tensor']], [['t.text', 'out.value']]);
    const problem = analyzeGraph(bad, createRegistry()).problems.find((p) => p.at.param === 'batch');
    expect(problem?.code).toBe('MF_PARAM_RANGE');
  });
});
