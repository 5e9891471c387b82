import { ModalflowError } from '@modalflow/core';
import libsamplerate from '@alexanderolsen/libsamplerate-js';

// A UMD bundle: Node's ESM loader exposes only its default export.
const { ConverterType, create } = libsamplerate;

export type ResampleQuality = 'medium' | 'best';

/**
 * Band-limited resampling with libsamplerate (Erik de Castro Lopo's Secret Rabbit Code, compiled
 * to WebAssembly) at SRC_SINC_MEDIUM_QUALITY: a windowed-sinc filter with 97 dB of stopband
 * rejection and a passband up to 90% of the lower Nyquist frequency (7.2 kHz at 16 kHz).
 * SRC_SINC_BEST_QUALITY keeps 97% of the band but is several times slower (the `spectrogram`
 * bench times both), too slow for a 30 s clip in an editor. The same WebAssembly runs in Node
 * and in browsers, so both give the same samples. Equal rates return the input.
 */
export async function resample(x: Float32Array, from: number, to: number, quality: ResampleQuality = 'medium'): Promise<Float32Array> {
  if (from === to) return x;
  const ratio = to / from;
  if (!(ratio >= 1 / 256 && ratio <= 256)) {
    throw new ModalflowError('MF_AUDIO_UNSUPPORTED', `cannot resample ${from} Hz to ${to} Hz: libsamplerate converts within a factor of 256`);
  }
  const converterType = quality === 'best' ? ConverterType.SRC_SINC_BEST_QUALITY : ConverterType.SRC_SINC_MEDIUM_QUALITY;
  const src = await create(1, from, to, { converterType });
  try {
    return src.simple(x);
  } finally {
    src.destroy();
  }
}
