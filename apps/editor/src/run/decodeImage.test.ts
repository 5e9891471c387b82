import { describe, expect, it } from 'vitest';
import { decodeImage } from './decodeImage.ts';

const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
/** A PNG signature and an IHDR declaring w x h; nothing a decoder could draw. */
const pngHead = (w: number, h: number) =>
  new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...be32(w), ...be32(h), 8, 2, 0, 0, 0, 0, 0, 0, 0])]);

describe('decodeImage in the editor', () => {
  it('refuses a picture declaring more pixels than the limit before the browser decodes it', async () => {
    // Node has no createImageBitmap: reaching the decoder would fail differently.
    await expect(decodeImage(pngHead(20_000, 20_000), 'bomb.png', 'blob:x')).rejects.toMatchObject({
      code: 'MF_IMAGE_TOO_LARGE',
      message: expect.stringContaining('declares 20000 x 20000 = 400,000,000 pixels, more than the limit of 89,478,485'),
    });
    await expect(decodeImage(pngHead(40, 30), 'small.png', 'blob:x', undefined, 1000)).rejects.toMatchObject({ code: 'MF_IMAGE_TOO_LARGE' });
    await expect(decodeImage(new Blob([]), 'empty.png', 'blob:x')).rejects.toMatchObject({ code: 'MF_BAD_IMAGE', message: expect.stringContaining('the file is empty') });
  });
});
