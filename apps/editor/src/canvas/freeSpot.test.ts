import { describe, expect, it } from 'vitest';
import { overlappingPairs } from './nodeSize.ts';
import { freeSpot } from './viewport.ts';

const size = { width: 200, height: 120 };
const view = { x: 0, y: 0, width: 1000, height: 700 };
const inside = (p: { x: number; y: number }) => p.x >= view.x && p.y >= view.y && p.x + size.width <= view.x + view.width && p.y + size.height <= view.y + view.height;

describe('where a new card goes', () => {
  it('takes the wished-for spot when it is free', () => {
    expect(freeSpot([], size, view, 24, { x: 100, y: 80 })).toEqual({ x: 100, y: 80 });
  });

  it('moves off a card under the wished-for spot to the nearest free space, inside the view', () => {
    const boxes = [{ id: 'a', x: 90, y: 60, width: 204, height: 160 }];
    const p = freeSpot(boxes, size, view, 24, { x: 100, y: 80 });
    expect(overlappingPairs([...boxes, { id: 'new', ...p, ...size }], 24)).toEqual([]);
    expect(inside(p)).toBe(true);
    expect(Math.hypot(p.x - 100, p.y - 80)).toBeLessThan(400);
  });

  it('pulls a spot past the view’s edge back inside it', () => {
    expect(inside(freeSpot([], size, view, 24, { x: 990, y: 690 }))).toBe(true);
  });
});
