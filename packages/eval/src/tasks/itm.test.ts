import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/rows.ts';
import { evaluateItm, itmPairs } from './itm.ts';

const ds: Dataset = {
  format: 'coco-captions',
  file: 'c.json',
  columns: [],
  rows: [
    { image_id: 1, image: 'a.png', captions: ['a cat', 'one cat'] },
    { image_id: 2, image: 'b.png', captions: ['a dog'] },
  ],
  at: [{ path: '/images/0' }, { path: '/images/1' }],
};

describe('itmPairs', () => {
  it('pairs each caption with its item, and the item with the next item\'s first caption', () => {
    const p = itmPairs(ds);
    expect(p.rows.map((r) => [r['image'], r['caption'], r['label']])).toEqual([
      ['a.png', 'a cat', true],
      ['a.png', 'a dog', false],
      ['a.png', 'one cat', true],
      ['a.png', 'a dog', false],
      ['b.png', 'a dog', true],
      ['b.png', 'a cat', false],
    ]);
  });
});

describe('evaluateItm', () => {
  it('reports accuracy and AUC, worst pair first', () => {
    const pairs = itmPairs(ds);
    const s = evaluateItm(pairs, [0.9, 0.2, 0.4, 0.3, 0.8, 0.6]);
    // Right at 0.5: pairs 0, 1, 3, 4 -> 4 / 6. AUC: positives 0.9, 0.4, 0.8 vs negatives 0.2, 0.3, 0.6: 0.9 and 0.8 beat all three, 0.4 beats two -> 8 / 9.
    expect(s.metrics['ITM accuracy']).toBeCloseTo(400 / 6, 12);
    expect(s.metrics['ITM AUC']).toBeCloseTo(8 / 9, 12);
    // Worst: the match given 0.4 ("one cat"), tied with the non-match given 0.6 and listed first.
    expect(s.worst[0]!.text).toBe('one cat');
    expect(s.worst[0]!.prediction).toBe('p(match) = 0.400');
  });
});
