import { DEFAULT_MAX_IMAGE_PIXELS, ModalflowError, checkImageHeader, type Tensor } from '@modalflow/core';
import { decodeJpegRgb } from './jpeg.ts';
import { decodePngRgb } from './png.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

export interface DecodeImageOptions {
  /** Largest width x height accepted, checked from the header before decoding. */
  maxPixels?: number;
}

function fail(file: string | undefined, message: string): ModalflowError {
  return new ModalflowError('MF_BAD_IMAGE', message, file === undefined ? {} : { file });
}

const tensor = ({ width, height, rgb }: { width: number; height: number; rgb: Uint8Array }): Tensor => ({
  dtype: 'uint8', dims: [1, height, width, 3], data: rgb,
});

/**
 * An entropy-coded segment never holds FF D9, so a JPEG without that end marker after its
 * first scan was cut short. libjpeg would fill the rest with grey; Pillow refuses ("image file
 * is truncated"), and so does this.
 */
function checkJpegComplete(bytes: Uint8Array, file: string | undefined): void {
  for (let i = bytes.length - 2; i >= 2; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return;
  }
  throw fail(file, 'the JPEG is truncated: it has no end-of-image marker');
}

/**
 * Decodes a PNG or JPEG (chosen by content, not name) into uint8 [1, H, W, 3] RGB with the
 * pixels Pillow's `Image.open(f).convert("RGB")` gives. The declared size is checked against
 * the pixel budget before any decoding, so memory stays bounded by that budget.
 */
export function decodeImage(bytes: Uint8Array, file?: string, options: DecodeImageOptions = {}): Tensor {
  const header = checkImageHeader(bytes, options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS, file === undefined ? {} : { file });
  if (header.format === 'jpeg') checkJpegComplete(bytes, file);
  let decoded;
  try {
    decoded = header.format === 'png' ? decodePngRgb(bytes) : decodeJpegRgb(bytes);
  } catch (e) {
    throw fail(file, `not a readable ${header.format === 'png' ? 'PNG' : 'JPEG'} image: ${(e as Error).message}`);
  }
  if (decoded.width !== header.width || decoded.height !== header.height) {
    throw fail(file, `the decoder read ${decoded.width} x ${decoded.height} pixels where the header says ${header.width} x ${header.height}`);
  }
  return tensor(decoded);
}

export function decodePng(bytes: Uint8Array, file?: string, options?: DecodeImageOptions): Tensor {
  if (bytes.length > 0 && bytes[0] !== 0x89) throw fail(file, 'not a PNG image (unrecognised file signature)');
  return decodeImage(bytes, file, options);
}

export function decodeJpeg(bytes: Uint8Array, file?: string, options?: DecodeImageOptions): Tensor {
  if (bytes.length > 0 && bytes[0] !== 0xff) throw fail(file, 'not a JPEG image (unrecognised file signature)');
  return decodeImage(bytes, file, options);
}
