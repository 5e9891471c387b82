import type { Tensor } from '@modalflow/core';
// The standalone bundle rather than 'pngjs': the main entry needs Node's zlib and stream, which
// browsers lack, while the bundle's own deflate runs the same code, and writes the same bytes,
// in Node and in browsers.
import pngjs from 'pngjs/browser.js';

/** PNG bytes (8-bit RGB, no alpha) of a uint8 [H, W, 3] image. */
export function encodePng(image: Tensor): Uint8Array {
  const [height, width, channels] = image.dims;
  if (image.dtype !== 'uint8' || image.dims.length !== 3 || channels !== 3 || !height || !width) {
    throw new RangeError(`encodePng takes uint8 [H, W, 3], got ${image.dtype} [${image.dims.join(', ')}]`);
  }
  const png = new pngjs.PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  // With matching input and output colour types pngjs reads the pixels by index as given.
  png.data = image.data as unknown as typeof png.data;
  const bytes = pngjs.PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}
