import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_IMAGE_PIXELS, checkImageHeader, readImageHeader } from './image-header.ts';

const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A PNG signature and IHDR (CRC not checked by the header reader), nothing after. */
const pngHead = (w: number, h: number) => new Uint8Array([...SIGNATURE, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...be32(w), ...be32(h), 8, 2, 0, 0, 0, 0, 0, 0, 0]);
const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
/** SOI, an APP1 of `pad` bytes (EXIF-sized), then a frame header of type `sof`. */
const jpegHead = (w: number, h: number, sof = 0xc0, pad = 300) =>
  new Uint8Array([0xff, 0xd8, ...segment(0xe1, new Array(pad).fill(7)), ...segment(0xdb, new Array(65).fill(1)), ...segment(sof, [8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])]);

describe('readImageHeader', () => {
  it('reads the size from a PNG IHDR and a JPEG frame header behind other segments', () => {
    expect(readImageHeader(pngHead(17, 13))).toEqual({ format: 'png', width: 17, height: 13 });
    expect(readImageHeader(jpegHead(640, 480))).toEqual({ format: 'jpeg', width: 640, height: 480 });
    expect(readImageHeader(jpegHead(3, 5000, 0xc2, 60000))).toEqual({ format: 'jpeg', width: 3, height: 5000 });
  });

  it('says why a header cannot be read', () => {
    expect(readImageHeader(new Uint8Array())).toBe('the file is empty');
    expect(readImageHeader(new TextEncoder().encode('GIF89a'))).toMatch(/not a PNG or JPEG/);
    expect(readImageHeader(pngHead(17, 13).subarray(0, 20))).toBe('the PNG ends before its IHDR header');
    expect(readImageHeader(pngHead(0, 13))).toMatch(/invalid size 0 x 13/);
    expect(readImageHeader(pngHead(2 ** 31, 1))).toMatch(/invalid size/);
    expect(readImageHeader(jpegHead(0, 10))).toMatch(/invalid size 0 x 10/);
    expect(readImageHeader(jpegHead(10, 10).subarray(0, 200))).toBe('the JPEG ends before its frame header');
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toMatch(/no frame header before its image data/);
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1, 0, 0]))).toMatch(/invalid length 1/);
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0x12, 0x34, 0, 0]))).toMatch(/no marker at byte 8/);
  });
});

describe('checkImageHeader', () => {
  it('refuses a decompression bomb with the declared size and the limit', () => {
    const bomb = pngHead(20_000, 20_000);
    expect(() => checkImageHeader(bomb, DEFAULT_MAX_IMAGE_PIXELS, { file: 'bomb.png' })).toThrow(
      expect.objectContaining({
        code: 'MF_IMAGE_TOO_LARGE',
        at: { file: 'bomb.png' },
        message: expect.stringContaining('declares 20000 x 20000 = 400,000,000 pixels, more than the limit of 89,478,485'),
      }),
    );
    expect(() => checkImageHeader(jpegHead(65_535, 65_535))).toThrow(expect.objectContaining({ code: 'MF_IMAGE_TOO_LARGE' }));
  });

  it('takes a limit, and accepts what fits exactly', () => {
    expect(checkImageHeader(pngHead(10, 10), 100)).toEqual({ format: 'png', width: 10, height: 10 });
    expect(() => checkImageHeader(pngHead(10, 11), 100)).toThrow(/110 pixels, more than the limit of 100/);
    expect(() => checkImageHeader(new Uint8Array([1, 2, 3]), 100, { file: 'x' })).toThrow(expect.objectContaining({ code: 'MF_BAD_IMAGE', at: { file: 'x' } }));
  });
});
