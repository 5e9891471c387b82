import type { Tensor } from '@modalflow/core';
import { COLOURS, PALETTE, type Colour } from './vocabulary.ts';

/** The pixel at (x, y) of a uint8 [H, W, 3] image. */
export function pixel(image: Tensor, x: number, y: number): [number, number, number] {
  const w = image.dims[1]!;
  const d = image.data as Uint8Array;
  const o = (y * w + x) * 3;
  return [d[o]!, d[o + 1]!, d[o + 2]!];
}

/** The palette colour nearest to an RGB value, or 'background' when a light grey is nearer. */
export function nameColour(rgb: readonly number[]): Colour | 'background' {
  let best: Colour | 'background' = 'background';
  // Backgrounds are light greys, channels 205..250: compare against their middle.
  let bestDistance = distance(rgb, [228, 228, 228]);
  for (const c of COLOURS) {
    const d = distance(rgb, PALETTE[c]);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: readonly number[], b: readonly number[]): number {
  return (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2;
}
