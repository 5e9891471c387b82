import { makeTensor, type Tensor } from '@modalflow/core';
import { fillShape } from './raster.ts';
import { WorldRng } from './random.ts';
import type { Scene } from './scene.ts';
import { PALETTE } from './vocabulary.ts';

/**
 * Draws a scene as uint8 RGB [H, W, 3], the layout of an `input.image` port. Noise comes
 * from its own stream, so the amount of noise never changes what is drawn.
 */
export function renderScene(scene: Scene, size: number, noise: number, seed: number, index: number): Tensor {
  const pixels = new Uint8Array(size * size * 3);
  const [r, g, b] = scene.background;
  for (let o = 0; o < pixels.length; o += 3) {
    pixels[o] = r;
    pixels[o + 1] = g;
    pixels[o + 2] = b;
  }
  for (const obj of scene.objects) fillShape(pixels, size, obj.shape, obj.box, PALETTE[obj.colour]);
  if (noise > 0) {
    const rng = new WorldRng(seed, index, 'pixels');
    for (let o = 0; o < pixels.length; o++) {
      pixels[o] = Math.min(255, Math.max(0, pixels[o]! + rng.symmetric(noise)));
    }
  }
  return makeTensor('uint8', [size, size, 3], pixels);
}
