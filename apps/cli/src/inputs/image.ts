import { ModalflowError, type Tensor } from '@modalflow/core';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/** jpeg-js refuses larger images by default; these bounds still stop a decompression bomb. */
const MAX_MEGAPIXELS = 200;
const MAX_MEMORY_MB = 2048;

function fail(file: string | undefined, message: string): ModalflowError {
  return new ModalflowError('MF_BAD_IMAGE', message, file === undefined ? {} : { file });
}

/** Drops the alpha channel: models here take RGB, and compositing would invent a background. */
function rgbaToRgb(rgba: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    out[i * 3] = rgba[j]!;
    out[i * 3 + 1] = rgba[j + 1]!;
    out[i * 3 + 2] = rgba[j + 2]!;
  }
  return out;
}

export function decodePng(bytes: Uint8Array, file?: string): Tensor {
  let png: { width: number; height: number; data: Uint8Array };
  try {
    // pngjs expands palette, grey and 16-bit images to 8-bit RGBA.
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw fail(file, `not a readable PNG image: ${(e as Error).message}`);
  }
  return { dtype: 'uint8', dims: [1, png.height, png.width, 3], data: rgbaToRgb(png.data, png.width * png.height) };
}

export function decodeJpeg(bytes: Uint8Array, file?: string): Tensor {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_MEGAPIXELS,
      maxMemoryUsageInMB: MAX_MEMORY_MB,
    });
  } catch (e) {
    throw fail(file, `not a readable JPEG image: ${(e as Error).message}`);
  }
  // With formatAsRGBA off, jpeg-js gives three channels for grey and colour images alike.
  return { dtype: 'uint8', dims: [1, img.height, img.width, 3], data: img.data };
}

/** Decodes a PNG or JPEG (chosen by content, not name) into uint8 [1, H, W, 3] RGB. */
export function decodeImage(bytes: Uint8Array, file?: string): Tensor {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return decodePng(bytes, file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpeg(bytes, file);
  throw fail(file, 'not a PNG or JPEG image (unrecognised file signature)');
}
