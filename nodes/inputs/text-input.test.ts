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
});
