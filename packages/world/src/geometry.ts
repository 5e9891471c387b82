import type { Position, Size } from './vocabulary.ts';

/** A box in whole pixels: x1, y1 inclusive, x2, y2 exclusive. */
export interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Each position is one cell of a 3x3 grid, so objects at different positions never overlap. */
const CELLS: Readonly<Record<Position, readonly [number, number]>> = {
  left: [0, 1],
  right: [2, 1],
  top: [1, 0],
  bottom: [1, 2],
  centre: [1, 1],
};

function gridLine(i: number, size: number): number {
  return Math.floor((i * size) / 3);
}

export function cellOf(position: Position, size: number): PixelBox {
  const [col, row] = CELLS[position];
  return {
    x1: gridLine(col, size),
    y1: gridLine(row, size),
    x2: gridLine(col + 1, size),
    y2: gridLine(row + 1, size),
  };
}

/** Side of an object's square box: big nearly fills its cell, small takes a little over half. */
export function objectSide(size: Size, image: number): number {
  const cell = Math.floor(image / 3);
  return size === 'big' ? cell - 2 : Math.max(3, Math.floor((cell * 11) / 20));
}

/** The object's box inside its cell, shifted by (dx, dy) within the cell's free room. */
export function placeInCell(cell: PixelBox, side: number, dx: number, dy: number): PixelBox {
  const x1 = cell.x1 + dx;
  const y1 = cell.y1 + dy;
  return { x1, y1, x2: x1 + side, y2: y1 + side };
}

/** Room left around an object of this side in the cell, per axis. */
export function freeRoom(cell: PixelBox, side: number): [number, number] {
  return [cell.x2 - cell.x1 - side, cell.y2 - cell.y1 - side];
}
