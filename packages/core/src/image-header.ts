import { ModalflowError, type Location } from './errors.ts';

/**
 * The pixel budget of a picture, read from its header before anything is decoded, so a small
 * file that declares a huge canvas (a decompression bomb) is refused at once. The default is
 * Pillow's Image.MAX_IMAGE_PIXELS (1024^3 / 4 / 3 = 89,478,485: a 4-byte-per-pixel image of
 * 1 GiB divided over 3 channels): what the reference processors accept without a warning.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 89_478_485;

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;

function pngHeader(b: Uint8Array): ImageHeader | string {
  // The signature, then IHDR first: length 13, type, width, height (PNG spec 11.2.2).
  if (b.length < 8 + 8 + 13) return 'the PNG ends before its IHDR header';
  if (u32(b, 8) !== 13 || String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') return 'the PNG does not start with an IHDR header';
  const width = u32(b, 16);
  const height = u32(b, 20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return `the PNG declares an invalid size ${width} x ${height}`;
  return { format: 'png', width, height };
}

// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegHeader(b: Uint8Array): ImageHeader | string {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return `the JPEG has no marker at byte ${at}`;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return 'the JPEG has no frame header before its image data';
    const length = u16(b, at + 2);
    if (length < 2) return `the JPEG has a segment of invalid length ${length} at byte ${at}`;
    if (isStartOfFrame(marker)) {
      if (at + 9 > b.length) break;
      const height = u16(b, at + 5);
      const width = u16(b, at + 7);
      // Height 0 means "given by a later DNL marker"; neither Pillow nor libjpeg-turbo reads those.
      if (width === 0 || height === 0) return `the JPEG declares an invalid size ${width} x ${height}`;
      return { format: 'jpeg', width, height };
    }
    at += 2 + length;
  }
  return 'the JPEG ends before its frame header';
}

/** The format and declared size of a PNG or JPEG, or why they cannot be read. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | string {
  if (bytes.length === 0) return 'the file is empty';
  if (isPng(bytes)) return pngHeader(bytes);
  if (isJpeg(bytes)) return jpegHeader(bytes);
  return 'not a PNG or JPEG image (unrecognised file signature)';
}

/** 400000000 -> "400,000,000", without loading locale data for one message. */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The header of a picture whose declared size fits the budget; a ModalflowError otherwise:
 * MF_BAD_IMAGE for an unreadable header, MF_IMAGE_TOO_LARGE with the size and the limit.
 */
export function checkImageHeader(bytes: Uint8Array, maxPixels: number = DEFAULT_MAX_IMAGE_PIXELS, at: Location = {}): ImageHeader {
  const header = readImageHeader(bytes);
  if (typeof header === 'string') throw new ModalflowError('MF_BAD_IMAGE', header, at);
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new ModalflowError(
      'MF_IMAGE_TOO_LARGE',
      `the ${header.format.toUpperCase()} declares ${header.width} x ${header.height} = ${grouped(pixels)} pixels, more than the limit of ${grouped(maxPixels)}; raise the image pixel limit if the picture is genuine`,
      at,
    );
  }
  return header;
}
