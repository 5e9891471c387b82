import { describe, expect, it } from 'vitest';
import { generateWorld } from './world.ts';
import { worldRow } from './graph-inputs.ts';

describe('world examples as graph inputs', () => {
  const world = generateWorld({ count: 16, seed: 2, task: 'regions' });
  const e = world.examples[0]!;

  it('fills pictures, captions, questions and answers by the kind and name of each input', () => {
    expect(worldRow(e, [{ name: 'image', kind: 'image' }, { name: 'text', kind: 'text' }])).toEqual({ image: e.image, text: e.caption });
    expect(worldRow(e, [{ name: 'question', kind: 'text' }, { name: 'answer_id', kind: 'tensor' }])).toEqual({ question: e.question, answer_id: e.answer_id });
  });

  it('fills region features, boxes and the region mask of region-based graphs', () => {
    const row = worldRow(e, [{ name: 'regions', kind: 'regions' }, { name: 'boxes', kind: 'tensor' }, { name: 'region_mask', kind: 'tensor' }]);
    expect(row['regions']).toBe(e.regions);
    expect(row['boxes']).toBe(e.boxes);
    expect(row['region_mask']).toBe(e.region_mask);
  });
});
