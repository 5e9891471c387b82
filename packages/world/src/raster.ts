import type { PixelBox } from './geometry.ts';
import type { Shape } from './vocabulary.ts';

/**
 * Shape coverage tests in whole numbers. Coordinates are in half pixels relative to the box
 * centre, so the centre of pixel x sits at 2x + 1 and every test is exact integer arithmetic:
 * the same pixels are covered in every JavaScript engine, with no anti-aliasing to differ.
 * `r` is the box side in half pixels / 2, that is the side in whole pixels.
 */
type Cover = (dx: number, dy: number, r: number) => boolean;

const square: Cover = (dx, dy, r) => Math.abs(dx) < r && Math.abs(dy) < r;

const circle: Cover = (dx, dy, r) => dx * dx + dy * dy <= r * r;

/**
 * Apex at the top, base along the bottom edge: half-width grows linearly to r. The + 1 keeps
 * the top row's middle pixels, so the apex is not lost at small sizes.
 */
const triangle: Cover = (dx, dy, r) => dy < r && 2 * Math.abs(dx) <= dy + r + 1;

const cross: Cover = (dx, dy, r) => {
  const arm = Math.max(1, Math.floor(r / 3));
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  return (ax <= arm && ay < r) || (ay <= arm && ax < r);
};

/**
 * Unit star corners x1000, clockwise from the top point at 36 degree steps (sin and cos
 * written out so no engine's Math.sin is involved); odd corners are the inner ones.
 */
const STAR_X = [0, 588, 951, 951, 588, 0, -588, -951, -951, -588];
const STAR_Y = [-1000, -809, -309, 309, 809, 1000, 809, 309, -309, -809];
/** Inner radius / outer radius of a regular five-pointed star, x1000. */
const STAR_INNER = 382;

/** Math.round sends -2.5 to -2 but 2.5 to 3, which would make the star lopsided. */
function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

const starCorners = new Map<number, { xs: number[]; ys: number[] }>();

function cornersFor(r: number): { xs: number[]; ys: number[] } {
  let c = starCorners.get(r);
  if (!c) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < 10; k++) {
      const f = k % 2 === 0 ? 1000 : STAR_INNER;
      xs.push(roundHalfAway((STAR_X[k]! * f * r) / 1_000_000));
      ys.push(roundHalfAway((STAR_Y[k]! * f * r) / 1_000_000));
    }
    c = { xs, ys };
    starCorners.set(r, c);
  }
  return c;
}

/**
 * Even-odd rule with the edge crossing compared by cross-multiplying, never dividing. The star
 * spans -r..0.809r vertically, so it is moved down by 0.0955r to sit in the middle of its box.
 * Only the right half is tested (x = |dx|): the rule breaks ties on edges to one side, and the
 * star must come out mirror symmetric.
 */
const star: Cover = (px, py, r) => {
  const { xs, ys } = cornersFor(r);
  const dx = Math.abs(px);
  const dy = py - Math.round((r * 955) / 10000);
  let inside = false;
  for (let i = 0, j = 9; i < 10; j = i++) {
    const ax = xs[j]!, ay = ys[j]!, bx = xs[i]!, by = ys[i]!;
    if (ay > dy === by > dy) continue;
    const den = by - ay;
    const lhs = (dx - ax) * den;
    const rhs = (dy - ay) * (bx - ax);
    if (den > 0 ? lhs < rhs : lhs > rhs) inside = !inside;
  }
  return inside;
};

export const COVERS: Readonly<Record<Shape, Cover>> = { square, circle, triangle, cross, star };

/** Paints `shape` filling `box` into an RGB image of width `width` (channels last). */
export function fillShape(
  pixels: Uint8Array, width: number, shape: Shape, box: PixelBox, rgb: readonly [number, number, number],
): void {
  const cover = COVERS[shape];
  const cx = box.x1 + box.x2;
  const cy = box.y1 + box.y2;
  const r = box.x2 - box.x1;
  for (let y = box.y1; y < box.y2; y++) {
    for (let x = box.x1; x < box.x2; x++) {
      if (!cover(2 * x + 1 - cx, 2 * y + 1 - cy, r)) continue;
      const o = (y * width + x) * 3;
      pixels[o] = rgb[0];
      pixels[o + 1] = rgb[1];
      pixels[o + 2] = rgb[2];
    }
  }
}
