import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from './decode.ts';
import { resample } from './resample.ts';
import { audioBatch, loadAudioClip, padOrTrim } from './clip.ts';

const DIR = new URL('../../fixtures/audio/', import.meta.url);
const bytes = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));

/** Largest error against the analytic tone, away from the filter's start-up and tail. */
function toneError(x: Float32Array, rate: number, freq: number, amp: number, delay = 0): number {
  let worst = 0;
  const edge = Math.ceil(rate * 0.02);
  for (let k = edge; k < x.length - edge; k++) worst = Math.max(worst, Math.abs(x[k]! - amp * Math.sin((2 * Math.PI * freq * (k - delay)) / rate)));
  return worst;
}

describe('resample (libsamplerate, SRC_SINC_MEDIUM_QUALITY)', () => {
  it('turns the 44.1 kHz float WAV tone into the same tone sampled at 16 kHz', async () => {
    const wav = await decodeAudio(bytes('float32_mono_44k.wav'), 'float32_mono_44k.wav');
    const out = await resample(wav.channels[0]!, 44100, 16000);
    expect(out.length).toBe(Math.round((wav.channels[0]!.length * 16000) / 44100));
    expect(toneError(out, 16000, 440, 0.5)).toBeLessThan(1e-4);
  });

  it('upsamples 8 kHz to 16 kHz', async () => {
    const wav = await decodeAudio(bytes('pcm8_mono_8k.wav'), 'pcm8_mono_8k.wav');
    const out = await resample(wav.channels[0]!, 8000, 16000);
    expect(out.length).toBe(1600);
    // the WAV holds round(0.6 * 127 sin + 128): amplitude 0.6 * 127 / 128 and 1/256 of rounding
    // noise, which the interpolating filter may raise a little at the peaks
    expect(toneError(out, 16000, 250, (0.6 * 127) / 128)).toBeLessThan(6e-3);
  });

  it('removes what the new rate cannot hold (a 7 kHz tone resampled to 8 kHz is silence)', async () => {
    const x = Float32Array.from({ length: 16000 }, (_, k) => 0.5 * Math.sin((2 * Math.PI * 7000 * k) / 16000));
    const out = await resample(x, 16000, 8000);
    expect(toneError(out, 8000, 0, 0)).toBeLessThan(1e-3);
  });

  it('returns the input itself at equal rates', async () => {
    const x = Float32Array.of(1, 2, 3);
    expect(await resample(x, 16000, 16000)).toBe(x);
  });
});

describe('loadAudioClip and audioBatch', () => {
  it('decodes, averages, resamples and fits a stereo 22.05 kHz clip to a fixed length', async () => {
    const clip = await loadAudioClip(bytes('pcm24_stereo_22k.wav'), 'pcm24_stereo_22k.wav', { sampleRate: 16000, samples: 2000 });
    expect(clip.length).toBe(2000);
    expect(Array.from(clip.subarray(1600))).toEqual(new Array(400).fill(0)); // 0.1 s of audio, then zeros
    // the mean of 0.4 sin(300 Hz) and 0.3 sin(700 Hz)
    let worst = 0;
    for (let k = 320; k < 1280; k++) {
      const t = k / 16000;
      worst = Math.max(worst, Math.abs(clip[k]! - (0.2 * Math.sin(2 * Math.PI * 300 * t) + 0.15 * Math.sin(2 * Math.PI * 700 * t))));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('batches equal clips and refuses unequal ones by name', () => {
    expect(audioBatch([Float32Array.of(1, 2), Float32Array.of(3, 4)]).dims).toEqual([2, 2]);
    expect(() => audioBatch([Float32Array.of(1, 2), Float32Array.of(3)], ['a.wav', 'b.wav'])).toThrow(/b.wav has 1; give the audio input a fixed "samples" length/);
    expect(Array.from(padOrTrim(Float32Array.of(1, 2, 3), 2))).toEqual([1, 2]);
  });
});
