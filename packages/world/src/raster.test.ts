import { describe, expect, it } from 'vitest';
import { fillShape } from './raster.ts';
import { SHAPES, type Shape } from './vocabulary.ts';

function mask(shape: Shape, side: number): boolean[][] {
  const px = new Uint8Array(side * side * 3);
  fillShape(px, side, shape, { x1: 0, y1: 0, x2: side, y2: side }, [1, 1, 1]);
  return Array.from({ length: side }, (_, y) => Array.from({ length: side }, (_, x) => px[(y * side + x) * 3] === 1));
}

const filled = (m: boolean[][]) => m.flat().filter(Boolean).length;
const rowWidth = (row: boolean[]) => row.filter(Boolean).length;

describe('fillShape', () => {
  for (const side of [5, 8, 13, 20]) {
    it(`draws recognisable shapes ${side} pixels wide`, () => {
      const square = mask('square', side);
      expect(filled(square)).toBe(side * side);

      const circle = mask('circle', side);
      expect(circle[0]![0]).toBe(false);
      expect(circle[side - 1]![side - 1]).toBe(false);
      // Quarter-turn symmetric, as a circle must be.
      for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) expect(circle[y]![x]).toBe(circle[x]![side - 1 - y]);

      const triangle = mask('triangle', side);
      const widths = triangle.map(rowWidth);
      for (let y = 1; y < side; y++) expect(widths[y]).toBeGreaterThanOrEqual(widths[y - 1]!);
      expect(widths[side - 1]).toBe(side);
      expect(widths[0]).toBeLessThanOrEqual(2);

      const cross = mask('cross', side);
      const mid = side >> 1;
      expect(rowWidth(cross[mid]!)).toBe(side);
      expect(cross.every((row) => row[mid])).toBe(true);
      expect(cross[0]![0]).toBe(false);
      expect(cross[side - 1]![side - 1]).toBe(false);
    });
  }

  it('draws a five-pointed star: mirror symmetric, centre filled, sparser than a circle', () => {
    const side = 31;
    const star = mask('star', side);
    for (const row of star) expect(row).toEqual([...row].reverse());
    expect(star[15]![15]).toBe(true);
    expect(filled(star)).toBeLessThan(filled(mask('circle', side)) * 0.6);
    // The top point: the topmost filled row is narrower than the row of the side points.
    const widths = star.map(rowWidth);
    const top = widths.findIndex((w) => w > 0);
    expect(widths[top]).toBeLessThanOrEqual(3);
    expect(Math.max(...widths)).toBeGreaterThan(side * 0.8);
  });

  it('tells every shape apart by its pixels', () => {
    const seen = new Set(SHAPES.map((s) => mask(s, 13).flat().map(Number).join('')));
    expect(seen.size).toBe(SHAPES.length);
  });

  it('paints inside the box only', () => {
    const side = 20;
    const px = new Uint8Array(side * side * 3);
    fillShape(px, side, 'square', { x1: 4, y1: 6, x2: 9, y2: 11 }, [9, 9, 9]);
    let count = 0;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const on = px[(y * side + x) * 3] === 9;
        if (on) count++;
        expect(on).toBe(x >= 4 && x < 9 && y >= 6 && y < 11);
      }
    }
    expect(count).toBe(25);
  });
});
