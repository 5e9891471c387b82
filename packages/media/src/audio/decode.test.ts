import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@modalflow/core';
import { decodeAudio, sniffAudio, toMono } from './decode.ts';

const DIR = new URL('../../fixtures/audio/', import.meta.url);
const bytes = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));
const expected = (f: string) => {
  const t = readNpy(bytes(f), f);
  const [ch, n] = t.dims as [number, number];
  return Array.from({ length: ch }, (_, c) => (t.data as Float32Array).subarray(c * n, (c + 1) * n));
};

describe('decodeAudio', () => {
  it.each([
    ['pcm16_mono_16k', 16000],
    ['pcm24_stereo_22k', 22050],
    ['pcm8_mono_8k', 8000],
    ['float32_mono_44k', 44100],
  ])('reads %s.wav sample for sample as soundfile scales it', async (name, rate) => {
    const out = await decodeAudio(bytes(`${name}.wav`), `${name}.wav`);
    const want = expected(`${name}.expected.npy`);
    expect(out.format).toBe('wav');
    expect(out.sampleRate).toBe(rate);
    expect(out.channels.length).toBe(want.length);
    out.channels.forEach((c, k) => expect(Array.from(c)).toEqual(Array.from(want[k]!)));
  });

  it('reads FLAC losslessly: the same samples as the WAV it was made from', async () => {
    const out = await decodeAudio(bytes('pcm16_mono_16k.flac'), 'x.flac');
    expect([out.format, out.sampleRate, out.channels.length]).toEqual(['flac', 16000, 1]);
    expect(Array.from(out.channels[0]!)).toEqual(Array.from(expected('pcm16_mono_16k.expected.npy')[0]!));
  });

  it('reads MP3 close to its lossy source (SNR over 25 dB after aligning the decoder delay)', async () => {
    const out = await decodeAudio(bytes('pcm16_mono_16k.mp3'), 'x.mp3');
    expect([out.format, out.sampleRate]).toEqual(['mp3', 16000]);
    const ref = expected('pcm16_mono_16k.expected.npy')[0]!;
    const got = out.channels[0]!;
    // an MP3 starts with an encoder delay: find it, then compare the middle of the clip
    let best = { snr: -Infinity, lag: 0 };
    for (let lag = 0; lag < 2000 && lag + 3000 < got.length; lag++) {
      let sig = 0;
      let err = 0;
      for (let k = 500; k < 3000; k++) {
        sig += ref[k]! ** 2;
        err += (got[k + lag]! - ref[k]!) ** 2;
      }
      const snr = 10 * Math.log10(sig / err);
      if (snr > best.snr) best = { snr, lag };
    }
    expect(best.snr).toBeGreaterThan(25);
  });

  it('averages channels to mono', () => {
    expect(Array.from(toMono([Float32Array.of(1, 0.5), Float32Array.of(0, -0.5)]))).toEqual([0.5, 0]);
  });

  it.each([
    ['empty.wav', 'MF_AUDIO_EMPTY', /empty \(0 bytes\)/],
    ['zero_length.wav', 'MF_AUDIO_EMPTY', /no samples/],
    ['truncated_header.wav', 'MF_AUDIO_CORRUPT', /not a readable WAV/],
    ['adpcm.wav', 'MF_AUDIO_UNSUPPORTED', /not supported/],
    ['not_audio.ogg', 'MF_AUDIO_UNSUPPORTED', /not WAV, FLAC or MP3/],
    ['garbage.mp3', 'MF_AUDIO_CORRUPT', /.*/],
  ])('refuses %s with %s naming the file', async (file, code, message) => {
    const e = await decodeAudio(bytes(file), file).catch((x: unknown) => x);
    expect(e).toMatchObject({ code, at: { file } });
    expect((e as Error).message).toMatch(message);
    expect((e as Error).message).toContain(file);
  });

  it('sniffs the container from its bytes, not its name', () => {
    expect(sniffAudio(bytes('pcm16_mono_16k.flac'))).toBe('flac');
    expect(sniffAudio(bytes('pcm16_mono_16k.mp3'))).toBe('mp3');
    expect(sniffAudio(Uint8Array.of(1, 2, 3))).toBeUndefined();
  });
});
