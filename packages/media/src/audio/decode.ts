import { ModalflowError } from '@modalflow/core';
import * as wavefileModule from 'wavefile';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { MPEGDecoder } from 'mpg123-decoder';

// Bundlers read wavefile's ES module (a named export); Node's ESM loader reads its UMD bundle,
// which only has a default export.
type WaveFileModule = typeof import('wavefile');
const { WaveFile } = ((wavefileModule as WaveFileModule & { default?: WaveFileModule }).WaveFile
  ? wavefileModule
  : (wavefileModule as unknown as { default: WaveFileModule }).default) as WaveFileModule;

export type AudioFormat = 'wav' | 'flac' | 'mp3';

export interface DecodedAudio {
  format: AudioFormat;
  sampleRate: number;
  /** One array per channel, samples in [-1, 1) as soundfile and torchaudio scale them. */
  channels: Float32Array[];
}

/** Sniffs the container from its first bytes; file extensions are not trusted. */
export function sniffAudio(bytes: Uint8Array): AudioFormat | undefined {
  const ascii = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WAVE') return 'wav';
  if (bytes.length >= 4 && ascii(0, 4) === 'fLaC') return 'flac';
  if (bytes.length >= 3 && ascii(0, 3) === 'ID3') return 'mp3';
  // an MPEG audio frame sync: 11 set bits, layer not 00
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 && (bytes[1]! & 0x06) !== 0) return 'mp3';
  return undefined;
}

function fail(code: string, file: string, message: string): never {
  throw new ModalflowError(code, `${file}: ${message}`, { file });
}

/** 8-bit WAV is unsigned around 128; wider PCM is signed and divided by 2^(bits-1) (soundfile's scaling). */
function decodeWav(bytes: Uint8Array, file: string): DecodedAudio {
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (e) {
    return fail('MF_AUDIO_CORRUPT', file, `is not a readable WAV file (${(e as Error).message})`);
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number };
  const depth = wav.bitDepth;
  const known = ['8', '16', '24', '32', '32f', '64'];
  if (!known.includes(depth)) {
    return fail('MF_AUDIO_UNSUPPORTED', file, `WAV encoding ${depth} (format tag ${fmt.audioFormat}) is not supported; use PCM 8/16/24/32-bit or float 32/64-bit`);
  }
  if (!(fmt.sampleRate > 0) || !(fmt.numChannels > 0)) return fail('MF_AUDIO_CORRUPT', file, `WAV header declares ${fmt.numChannels} channels at ${fmt.sampleRate} Hz`);
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const lists = fmt.numChannels === 1 ? [raw as Float64Array] : (raw as Float64Array[]);
  const scale = depth === '32f' || depth === '64' ? 1 : 2 ** (Number(depth) - 1);
  const offset = depth === '8' ? 128 : 0;
  const channels = lists.map((c) => Float32Array.from(c, (v) => (v - offset) / scale));
  return { format: 'wav', sampleRate: fmt.sampleRate, channels };
}

async function decodeFlac(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const decoder = new FLACDecoder();
  await decoder.ready;
  try {
    const out = await decoder.decodeFile(bytes);
    if (out.errors.length) return fail('MF_AUDIO_CORRUPT', file, `FLAC stream is damaged: ${out.errors[0]!.message}`);
    // The decoder divides by 2^(bits-1) - 1; soundfile and torchaudio divide by 2^(bits-1).
    const top = 2 ** (out.bitDepth - 1);
    const channels = out.channelData.map((c) => Float32Array.from(c, (v) => Math.round(v * (top - 1)) / top));
    return { format: 'flac', sampleRate: out.sampleRate, channels };
  } finally {
    decoder.free();
  }
}

async function decodeMp3(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const out = decoder.decode(bytes);
    if (out.samplesDecoded === 0) {
      const why = out.errors.length ? out.errors[0]!.message : 'no MPEG audio frame was found';
      return fail('MF_AUDIO_CORRUPT', file, `MP3 stream is damaged or holds no audio: ${why}`);
    }
    // mpg123 always gives two channels; a mono stream comes back twice, which the mean undoes.
    return { format: 'mp3', sampleRate: out.sampleRate, channels: out.channelData };
  } finally {
    decoder.free();
  }
}

/**
 * Decodes WAV (PCM and float), FLAC and MP3 to float samples per channel. Empty files, files of
 * another kind and damaged streams are coded errors naming the file: MF_AUDIO_EMPTY,
 * MF_AUDIO_UNSUPPORTED, MF_AUDIO_CORRUPT.
 */
export async function decodeAudio(bytes: Uint8Array, file = 'audio'): Promise<DecodedAudio> {
  if (bytes.length === 0) fail('MF_AUDIO_EMPTY', file, 'the file is empty (0 bytes)');
  const format = sniffAudio(bytes);
  if (!format) fail('MF_AUDIO_UNSUPPORTED', file, 'is not WAV, FLAC or MP3 (its first bytes name none of them)');
  const out = format === 'wav' ? decodeWav(bytes, file) : format === 'flac' ? await decodeFlac(bytes, file) : await decodeMp3(bytes, file);
  if (out.channels.length === 0 || out.channels[0]!.length === 0) fail('MF_AUDIO_EMPTY', file, `the ${format.toUpperCase()} file holds no samples (a zero-length clip)`);
  if (!(out.sampleRate > 0)) fail('MF_AUDIO_CORRUPT', file, `no sample rate could be read from the ${format.toUpperCase()} stream`);
  return out;
}

/** Mono as librosa.to_mono and torchaudio's mean over channels make it. */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]!.length;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    let sum = 0;
    for (const c of channels) sum += c[k]!;
    out[k] = sum / channels.length;
  }
  return out;
}
