import { ModalflowError, type Tensor } from '@modalflow/core';
import { decodeAudio, toMono } from './decode.ts';
import { resample } from './resample.ts';

export interface AudioClipOptions {
  /** The rate the graph reads; the clip is resampled to it. */
  sampleRate: number;
  /** A fixed length: shorter clips end in zeros, longer ones are cut (Whisper's pad_or_trim). 0 keeps the length. */
  samples?: number;
}

/** Zero-pads or cuts to `n` samples. */
export function padOrTrim(x: Float32Array, n: number): Float32Array {
  if (x.length === n) return x;
  const out = new Float32Array(n);
  out.set(x.subarray(0, Math.min(n, x.length)));
  return out;
}

/** File bytes -> mono float samples at the graph's rate: decode, average the channels, resample, fit. */
export async function loadAudioClip(bytes: Uint8Array, file: string, o: AudioClipOptions): Promise<Float32Array> {
  const decoded = await decodeAudio(bytes, file);
  const mono = await resample(toMono(decoded.channels), decoded.sampleRate, o.sampleRate);
  return o.samples ? padOrTrim(mono, o.samples) : mono;
}

/** Clips as one float32 [B, S] tensor; without a fixed length they must agree. */
export function audioBatch(clips: readonly Float32Array[], names: readonly string[] = []): Tensor {
  const n = clips[0]?.length ?? 0;
  const odd = clips.findIndex((c) => c.length !== n);
  if (odd >= 0) {
    throw new ModalflowError(
      'MF_BAD_INPUT',
      `clips of one batch must have one length: ${names[0] ?? 'clip 0'} has ${n} samples, ${names[odd] ?? `clip ${odd}`} has ${clips[odd]!.length}; give the audio input a fixed "samples" length`,
      names[odd] ? { file: names[odd] } : {},
    );
  }
  const data = new Float32Array(clips.length * n);
  clips.forEach((c, k) => data.set(c, k * n));
  return { dtype: 'float32', dims: [clips.length, n], data };
}
