import { ModalflowError } from '@modalflow/core';
import libsamplerate from '@alexanderolsen/libsamplerate-js';

// A UMD bundle: Node's ESM loader exposes only its default export.
const { ConverterType, create } = libsamplerate;

/**
 * Band-limited resampling with libsamplerate (Erik de Castro Lopo's Secret Rabbit Code, compiled
 * to WebAssembly) at SRC_SINC_BEST_QUALITY: a windowed-sinc filter with 97 dB of stopband
 * rejection and a passband up to 97% of the lower Nyquist frequency. The same WebAssembly runs in
 * Node and in browsers, so both give the same samples. Equal rates return the input unchanged.
 */
export async function resample(x: Float32Array, from: number, to: number): Promise<Float32Array> {
  if (from === to) return x;
  const ratio = to / from;
  if (!(ratio >= 1 / 256 && ratio <= 256)) {
    throw new ModalflowError('MF_AUDIO_UNSUPPORTED', `cannot resample ${from} Hz to ${to} Hz: libsamplerate converts within a factor of 256`);
  }
  const src = await create(1, from, to, { converterType: ConverterType.SRC_SINC_BEST_QUALITY });
  try {
    return src.simple(x);
  } finally {
    src.destroy();
  }
}
