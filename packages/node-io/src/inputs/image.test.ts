import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { decodeImage, decodeJpeg, decodePng } from './image.ts';

/** A w×h RGBA image whose pixel (x, y) is (10x, 10y, 100, alpha). */
function rgba(w: number, h: number, alpha = 255): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([10 * x, 10 * y, 100, alpha], (y * w + x) * 4);
  }
  return data;
}

function png(w: number, h: number, options: pngjs.PNGOptions = {}, alpha = 255): Uint8Array {
  const img = new pngjs.PNG({ width: w, height: h, ...options });
  img.data = rgba(w, h, alpha);
  return new Uint8Array(pngjs.PNG.sync.write(img, options));
}

describe('decodePng', () => {
  it('gives uint8 [1, H, W, 3] in RGB order', () => {
    const t = decodePng(png(3, 2));
    expect(t.dtype).toBe('uint8');
    expect(t.dims).toEqual([1, 2, 3, 3]);
    const px = (x: number, y: number) => Array.from(t.data.slice((y * 3 + x) * 3, (y * 3 + x) * 3 + 3) as Uint8Array);
    expect(px(0, 0)).toEqual([0, 0, 100]);
    expect(px(2, 1)).toEqual([20, 10, 100]);
  });

  it('drops the alpha channel rather than blending it', () => {
    const t = decodePng(png(2, 2, {}, 0));
    expect(Array.from(t.data.slice(0, 3) as Uint8Array)).toEqual([0, 0, 100]);
  });

  it('expands grey-scale images to three equal channels', () => {
    const t = decodePng(png(2, 1, { colorType: 0 }));
    expect(t.dims).toEqual([1, 1, 2, 3]);
    const [r, g, b] = Array.from(t.data.slice(0, 3) as Uint8Array);
    expect(r).toBe(g);
    expect(g).toBe(b);
  });

  it('names the file when the PNG is corrupt', () => {
    const bytes = png(4, 4).slice(0, 40);
    expect(() => decodePng(bytes, 'cat.png')).toThrow(/MF_BAD_IMAGE: not a readable PNG image.*cat\.png/);
  });
});

describe('decodeJpeg', () => {
  it('gives uint8 [1, H, W, 3] close to the encoded colours', () => {
    const w = 16;
    const h = 8;
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 40, 90, 255], i * 4);
    const bytes = new Uint8Array(jpeg.encode({ data, width: w, height: h }, 95).data);
    const t = decodeJpeg(bytes);
    expect(t.dtype).toBe('uint8');
    expect(t.dims).toEqual([1, h, w, 3]);
    expect(t.data.length).toBe(w * h * 3);
    const [r, g, b] = Array.from(t.data.slice(0, 3) as Uint8Array);
    expect(Math.abs(r! - 200)).toBeLessThan(6);
    expect(Math.abs(g! - 40)).toBeLessThan(6);
    expect(Math.abs(b! - 90)).toBeLessThan(6);
  });

  it('names the file when the JPEG is corrupt', () => {
    expect(() => decodeJpeg(new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]), 'x.jpg')).toThrow(/MF_BAD_IMAGE: the JPEG .*x\.jpg/);
  });
});

describe('decodeImage', () => {
  it('chooses the decoder by content', () => {
    expect(decodeImage(png(1, 1)).dims).toEqual([1, 1, 1, 3]);
    const data = Buffer.alloc(4 * 4 * 4, 128);
    expect(decodeImage(new Uint8Array(jpeg.encode({ data, width: 4, height: 4 }).data)).dims).toEqual([1, 4, 4, 3]);
  });

  it('refuses other files', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a...'), 'a.png')).toThrow(/not a PNG or JPEG image.*a\.png/);
  });

  it('gives coded errors for empty, truncated and corrupt files', () => {
    const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
    expect(() => decodeImage(new Uint8Array(), 'empty.png')).toThrow(/MF_BAD_IMAGE: the file is empty.*empty\.png/);
    const photo = fixture('jpeg-progressive.jpg');
    expect(() => decodeImage(photo.subarray(0, photo.length - 200), 'cut.jpg')).toThrow(/MF_BAD_IMAGE: the JPEG is truncated: it has no end-of-image marker/);
    const picture = fixture('png-rgb16.png');
    expect(() => decodeImage(picture.subarray(0, picture.length >> 1), 'cut.png')).toThrow(/MF_BAD_IMAGE: not a readable PNG image.*cut\.png/);
    const flipped = picture.slice();
    flipped[60] = flipped[60]! ^ 0xff;
    expect(() => decodeImage(flipped, 'crc.png')).toThrow(/MF_BAD_IMAGE: not a readable PNG image/);
  });

  it('bounds the inflated size of interlaced PNGs by their header', () => {
    const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const chunk = (type: string, body: Uint8Array) => {
      const head = Uint8Array.from([...Buffer.from(type), ...body]);
      return [...u32(body.length), ...head, ...u32(crc32(head))];
    };
    // 4 x 4 RGB, interlaced: 55 bytes of scanlines over its seven passes; the data inflates to 64 MiB.
    const ihdr = Uint8Array.from([...u32(4), ...u32(4), 8, 2, 0, 0, 1]);
    const bomb = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', ihdr), ...chunk('IDAT', deflateSync(Buffer.alloc(64 << 20))), ...chunk('IEND', new Uint8Array())]);
    expect(() => decodeImage(bomb, 'deep.png')).toThrow(/MF_BAD_IMAGE: not a readable PNG image: its image data inflates to more than the 55 bytes the header implies/);
  });
});
