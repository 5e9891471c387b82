import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { registryWith, runNode, singleNodeGraph } from '../testing/index.ts';
import split, { splitLabels } from './text-split.ts';

const text = (...data: string[]): Tensor => ({ dtype: 'string', dims: [data.length], data });

describe('text.split', () => {
  it('splits at the separator, trims, drops empty pieces and fills the template', async () => {
    const { outputs } = await runNode(split, { params: { template: 'a photo of {}.' }, inputs: { text: text(' a cat,a dog ,, red car,') } });
    expect(outputs['labels']).toEqual({ dtype: 'string', dims: [3], data: ['a cat', 'a dog', 'red car'] });
    expect(outputs['prompts']).toEqual({ dtype: 'string', dims: [3], data: ['a photo of a cat.', 'a photo of a dog.', 'a photo of red car.'] });
  });

  it('takes the pieces of every string in order, with any separator, and keeps spaces when asked', () => {
    const p = { separator: ' | ', template: '{}', trim: false };
    expect(splitLabels(['cat | dog', ' bird'], p)).toEqual({ labels: ['cat', 'dog', ' bird'], prompts: ['cat', 'dog', ' bird'] });
    expect(splitLabels(['x;y'], { separator: ';', template: '{} or {}', trim: true }).prompts).toEqual(['x or x', 'y or y']);
    // A replacement pattern in a label is text, not a pattern.
    expect(splitLabels(['$&'], { separator: ',', template: 'a {}', trim: true }).prompts).toEqual(['a $&']);
  });

  it('gives the label count a size of its own, apart from the batch', () => {
    const doc = singleNodeGraph(split, { inputs: { text: text('a,b') } });
    const a = analyzeGraph(doc, registryWith(split));
    expect(a.problems).toEqual([]);
    expect(a.nodes.get('n')!.outputShapes).toEqual({ labels: ['K_n'], prompts: ['K_n'] });
  });

  it('refuses a template without {} and an empty separator, on the param', () => {
    const problem = (params: Record<string, unknown>) => analyzeGraph(singleNodeGraph(split, { params, inputs: { text: text('a') } }), registryWith(split)).problems[0];
    expect(problem({ template: 'a photo' })).toMatchObject({ code: 'MF_PARAM_RANGE', at: { node: 'n', param: 'template' } });
    expect(problem({ separator: '' })).toMatchObject({ code: 'MF_PARAM_RANGE', at: { node: 'n', param: 'separator' } });
  });

  it('says so when no label is left', async () => {
    await expect(runNode(split, { inputs: { text: text(' , ,') } })).rejects.toMatchObject({ code: 'MF_HOST_INPUT', at: { node: 'n', port: 'text' } });
  });
});
