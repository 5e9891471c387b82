import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * JPEG to RGB bytes equal to Pillow's `Image.open(f).convert("RGB")`. Pillow decodes with
 * libjpeg-turbo (accurate integer IDCT, fancy upsampling), so this does too: the TurboJPEG
 * API of libjpeg-turbo compiled to WebAssembly, shipped by @cwasm/jpeg-turbo. Only its .wasm
 * is used, through the few exports it has, because its own wrapper can only ask for RGBA,
 * which libjpeg cannot produce from CMYK.
 *
 * CMYK and YCCK pictures are read as CMYK and converted as Pillow does: its JPEG plugin reads
 * them inverted ("CMYK;I", Adobe's convention) and Convert.c's cmyk2rgb gives
 * R = 255 - K' - C' (255 - K') / 255 with rounding, C' and K' the un-inverted samples.
 * Grey pictures come out as three equal channels, as L -> RGB.
 */

interface TurboJpeg {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  tjInitDecompress(): number;
  tjDestroy(handle: number): number;
  tjDecompressHeader3(handle: number, src: number, size: number, width: number, height: number, subsamp: number, colorspace: number): number;
  tjDecompress2(handle: number, src: number, size: number, dst: number, width: number, pitch: number, height: number, format: number, flags: number): number;
}

const TJPF_RGB = 0;
const TJPF_CMYK = 11;
const TJCS_CMYK = 3;
const TJCS_YCCK = 4;

/** libjpeg's error exit, surfacing from WebAssembly as an exception. */
class JpegAbort extends Error {}

let module: WebAssembly.Module | undefined;
let instance: TurboJpeg | undefined;

// A fresh instance after every failure: libjpeg's longjmp leaves as a JavaScript exception,
// which skips the C cleanup and the stack pointer reset. One after large pictures too: wasm
// memory only grows, and a long-lived process should not keep the largest picture's worth.
const KEEP_MEMORY_BYTES = 64 << 20;

function turbo(): TurboJpeg {
  if (instance) return instance;
  module ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm')));
  const unsupported = () => {
    throw new JpegAbort('the decoder asked for a system call');
  };
  const imports = {
    env: {
      setjmp: () => 0,
      longjmp: () => {
        throw new JpegAbort('libjpeg-turbo could not decode it');
      },
    },
    wasi_snapshot_preview1: { environ_sizes_get: () => 0, environ_get: unsupported, proc_exit: unsupported, fd_close: unsupported, fd_seek: unsupported, fd_write: unsupported },
  };
  instance = new WebAssembly.Instance(module, imports).exports as unknown as TurboJpeg;
  return instance;
}

const muldiv255 = (a: number, b: number) => {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
};

export function decodeJpegRgb(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const tj = turbo();
  let failed = true;
  try {
    const out = decodeWith(tj, bytes);
    failed = false;
    return out;
  } finally {
    if (failed || tj.memory.buffer.byteLength > KEEP_MEMORY_BYTES) instance = undefined;
  }
}

function decodeWith(tj: TurboJpeg, bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const src = tj.malloc(bytes.length);
  const meta = tj.malloc(16);
  const handle = tj.tjInitDecompress();
  if (!src || !meta || !handle) throw new JpegAbort('out of decoder memory');
  new Uint8Array(tj.memory.buffer, src, bytes.length).set(bytes);
  if (tj.tjDecompressHeader3(handle, src, bytes.length, meta, meta + 4, meta + 8, meta + 12) !== 0) throw new JpegAbort('its header could not be read');
  const [width, height, , colorspace] = new Int32Array(tj.memory.buffer, meta, 4);
  const cmyk = colorspace === TJCS_CMYK || colorspace === TJCS_YCCK;
  const channels = cmyk ? 4 : 3;
  const size = width! * height! * channels;
  const dst = tj.malloc(size);
  if (!dst) throw new JpegAbort('out of decoder memory');
  if (tj.tjDecompress2(handle, src, bytes.length, dst, width!, width! * channels, height!, cmyk ? TJPF_CMYK : TJPF_RGB, 0) !== 0) {
    throw new JpegAbort('its image data could not be decoded');
  }
  const raw = new Uint8Array(tj.memory.buffer, dst, size);
  let rgb: Uint8Array;
  if (cmyk) {
    rgb = new Uint8Array(width! * height! * 3);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      const nk = raw[j + 3]!; // 255 - K' with K' = 255 - stored K
      for (let c = 0; c < 3; c++) rgb[i + c] = Math.max(0, nk - muldiv255(255 - raw[j + c]!, nk));
    }
  } else {
    rgb = raw.slice();
  }
  tj.free(dst);
  tj.free(meta);
  tj.free(src);
  tj.tjDestroy(handle);
  return { width: width!, height: height!, rgb };
}
