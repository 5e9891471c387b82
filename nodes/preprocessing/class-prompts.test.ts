import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/index.ts';
import classPrompts from './class-prompts.ts';

describe('text.class_prompts', () => {
  it('gives the class names and each one in the template, in class order', async () => {
    const { outputs } = await runNode(classPrompts, { inputs: {}, params: { labels: ['square', 'circle', 'red cross'], template: 'a a a a {}' } });
    expect(outputs['labels']!.data).toEqual(['square', 'circle', 'red cross']);
    expect(outputs['prompts']!.data).toEqual(['a a a a square', 'a a a a circle', 'a a a a red cross']);
    expect(outputs['prompts']!.dims).toEqual([3]);
  });

  it('refuses an empty list and a template without {}', async () => {
    await expect(runNode(classPrompts, { inputs: {}, params: { labels: [] } })).rejects.toThrow(/at least one class name/);
    await expect(runNode(classPrompts, { inputs: {}, params: { template: 'a photo' } })).rejects.toThrow(/has no \{\}/);
  });
});
