import { cellOf, freeRoom, objectSide, placeInCell, type PixelBox } from './geometry.ts';
import { isHeldOut, seenCombos, type Combo, type ResolvedWorldOptions, type Split } from './options.ts';
import { WorldRng } from './random.ts';
import type { Colour, Position, Shape, Size } from './vocabulary.ts';

export interface WorldObject {
  colour: Colour;
  shape: Shape;
  position: Position;
  size: Size;
  /** Where it is drawn, in whole pixels (x2, y2 exclusive). */
  box: PixelBox;
  heldOut: boolean;
}

export interface Scene {
  split: Split;
  objects: WorldObject[];
  background: [number, number, number];
}

const PLAIN: [number, number, number] = [240, 240, 240];

export function pickSplit(o: ResolvedWorldOptions, rng: WorldRng): Split {
  if (o.heldOut.length > 0 && rng.chance(o.heldOutFraction)) return 'heldout';
  return rng.chance(o.testFraction) ? 'test' : 'train';
}

/**
 * One picture's content. No two objects share a (colour, shape) pair, so "where is the red
 * square?" always has one answer; a held-out example shows exactly one held-out pair, and a
 * train or test example shows none.
 */
export function sampleScene(o: ResolvedWorldOptions, index: number): Scene {
  const rng = new WorldRng(o.seed, index, 'scene');
  const split = pickSplit(o, rng);
  const seen = rng.shuffle(seenCombos(o));
  const wanted = o.minObjects + rng.int(o.maxObjects - o.minObjects + 1);
  const combos: Combo[] = [];
  if (split === 'heldout') combos.push(rng.pick(o.heldOut));
  while (combos.length < wanted && seen.length > 0) combos.push(seen.pop()!);
  const positions = rng.shuffle(o.positions);
  const objects = rng.shuffle(combos).map((c, i): WorldObject => {
    const position = positions[i]!;
    const size = rng.pick(o.sizes);
    const cell = cellOf(position, o.size);
    const side = objectSide(size, o.size);
    const [roomX, roomY] = freeRoom(cell, side);
    const box = placeInCell(cell, side, rng.int(roomX + 1), rng.int(roomY + 1));
    return { ...c, position, size, box, heldOut: isHeldOut(o, c.colour, c.shape) };
  });
  const background: [number, number, number] = o.background === 'plain'
    ? [...PLAIN]
    : [205 + rng.int(46), 205 + rng.int(46), 205 + rng.int(46)];
  return { split, objects, background };
}
