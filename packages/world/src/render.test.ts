import { describe, expect, it } from 'vitest';
import { cellOf } from './geometry.ts';
import { nameColour, pixel } from './test-helpers.ts';
import { COLOURS, POSITION_PHRASES, POSITIONS, SHAPES, words, type Colour, type Position } from './vocabulary.ts';
import { generateWorld } from './world.ts';

/** Reads (colour, position) pairs back out of a caption, independently of the generator. */
function mentioned(caption: string): { colour: Colour; position: Position }[] {
  const tokens = words(caption);
  const out: { colour: Colour; position: Position }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const colour = COLOURS.find((c) => c === tokens[i]);
    if (!colour) continue;
    const rest = tokens.slice(i + 2, i + 5).join(' ');
    const position = POSITIONS.find((p) => POSITION_PHRASES[p].join(' ') === rest);
    expect(position, `"${caption}" names a place after ${colour}`).toBeDefined();
    expect(SHAPES).toContain(tokens[i + 1]);
    out.push({ colour, position: position! });
  }
  return out;
}

/** How many pixels of each colour name a grid cell holds. */
function census(image: Parameters<typeof pixel>[0], position: Position): Map<string, number> {
  const size = image.dims[0]!;
  const cell = cellOf(position, size);
  const counts = new Map<string, number>();
  for (let y = cell.y1; y < cell.y2; y++) {
    for (let x = cell.x1; x < cell.x2; x++) {
      const name = nameColour(pixel(image, x, y));
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return counts;
}

describe('pictures match their captions', () => {
  for (const size of [32, 64]) {
    it(`shows each captioned colour where the caption says, and nothing elsewhere (${size}px)`, () => {
      const world = generateWorld({
        seed: 11, count: 120, size, maxObjects: 3, sizes: ['small', 'big'], shapes: SHAPES, noise: 12,
      });
      for (const e of world.examples) {
        const said = mentioned(e.caption);
        expect(said).toHaveLength(e.objects.length);
        for (const position of POSITIONS) {
          const counts = census(e.image, position);
          const here = said.find((m) => m.position === position);
          const coloured = [...counts].filter(([name]) => name !== 'background');
          if (!here) {
            expect(coloured, `${e.id}: nothing at ${position}`).toEqual([]);
          } else {
            // Only the captioned colour appears in the cell, and enough of it to be a shape.
            expect(coloured.map(([name]) => name), `${e.id}: ${e.caption}`).toEqual([here.colour]);
            expect(counts.get(here.colour)).toBeGreaterThanOrEqual(6);
          }
        }
      }
    });
  }

  it('paints the centre of every object in its colour', () => {
    const world = generateWorld({ seed: 4, count: 80, maxObjects: 2, shapes: SHAPES, sizes: ['small', 'big'] });
    for (const e of world.examples) {
      for (const obj of e.objects) {
        const x = (obj.box.x1 + obj.box.x2) >> 1;
        const y = (obj.box.y1 + obj.box.y2) >> 1;
        expect(nameColour(pixel(e.image, x, y)), `${e.id} ${obj.colour} ${obj.shape}`).toBe(obj.colour);
      }
    }
  });

  it('varies the background per picture unless asked for a plain one', () => {
    const varied = generateWorld({ seed: 2, count: 6, noise: 0 });
    const plain = generateWorld({ seed: 2, count: 6, noise: 0, background: 'plain' });
    const corners = (w: typeof varied) => new Set(w.examples.map((e) => pixel(e.image, 0, 0).join(',')));
    expect(corners(varied).size).toBeGreaterThan(1);
    expect([...corners(plain)]).toEqual(['240,240,240']);
  });
});
