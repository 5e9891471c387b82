import { DEFAULT_MAX_IMAGE_PIXELS, checkImageHeader } from '@modalflow/core';
import type { ImageItem } from './inputValues.ts';

function drawingContext(width: number, height: number) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c.getContext('2d', { willReadFrequently: true });
}

/**
 * Decodes a PNG or JPEG into RGB bytes as the command line does (alpha dropped, no colour
 * management), optionally resized to `fit` so pictures of one batch share a size. The size its
 * header declares is checked against `maxPixels` first, so a decompression bomb never reaches
 * the browser's decoder (which would try to allocate it all).
 */
export async function decodeImage(
  blob: Blob,
  name: string,
  url: string,
  fit?: { width: number; height: number },
  maxPixels: number = DEFAULT_MAX_IMAGE_PIXELS,
): Promise<ImageItem> {
  checkImageHeader(new Uint8Array(await blob.arrayBuffer()), maxPixels, { file: name });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name} is not a picture this browser can read (PNG or JPEG)`);
  }
  const width = fit?.width ?? bitmap.width;
  const height = fit?.height ?? bitmap.height;
  const ctx = drawingContext(width, height);
  if (!ctx) throw new Error('this browser cannot draw to a canvas');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
    pixels[i] = rgba[j]!;
    pixels[i + 1] = rgba[j + 1]!;
    pixels[i + 2] = rgba[j + 2]!;
  }
  const resized = width !== bitmap.width || height !== bitmap.height;
  const item: ImageItem = { name, width, height, pixels, url, ...(resized ? { resizedFrom: { width: bitmap.width, height: bitmap.height } } : {}) };
  bitmap.close();
  return item;
}
