/**
 * Log-mel spectrogram cost: milliseconds per second of audio on onnxruntime-node (cpu), at
 * Whisper's settings (16 kHz, n_fft 400, hop 160, 80 Slaney bands) for 30 s clips, through the
 * default DFT-basis Conv and through the ONNX STFT op (n_fft 512, where onnxruntime's radix-2 FFT
 * applies, for both so they compare), and libsamplerate's resampling of 30 s from 44.1 kHz at
 * medium (the default) and best quality.
 * Prints JSON.
 */
import type { GraphDoc, Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { resample } from '@modalflow/media';
import { registry } from '../src/fixtures.ts';
import { median, percentile, time } from './stats.ts';

const SECONDS = 30;
const RATE = 16000;

function graph(params: Record<string, unknown>): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'log-mel bench' }, seed: 1,
    nodes: [
      { id: 'audio', type: 'input.audio', typeVersion: 1, params: { sample_rate: RATE, samples: SECONDS * RATE } },
      { id: 'mel', type: 'preprocess.log_mel', typeVersion: 1, params },
      { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
    ],
    edges: [{ from: ['audio', 'audio'], to: ['mel', 'audio'] }, { from: ['mel', 'mel'], to: ['out', 'value'] }],
  };
}

const x = Float32Array.from({ length: SECONDS * RATE }, (_, k) => 0.5 * Math.sin((2 * Math.PI * 440 * k) / RATE) + 0.1 * Math.sin(k * 0.37));
const input: Tensor = { dtype: 'float32', dims: [1, x.length], data: x };
const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });

async function measure(params: Record<string, unknown>) {
  const program = await engine.load(compileGraph(graph(params), registry));
  try {
    const ms = await time(() => program.run({ audio: input }, { cache: false }), 20, 3);
    return { median_ms: median(ms), p90_ms: percentile(ms, 90), ms_per_audio_second: median(ms) / SECONDS };
  } finally {
    await program.release();
  }
}

async function resampleTime(quality: 'medium' | 'best') {
  const src = Float32Array.from({ length: SECONDS * 44100 }, (_, k) => Math.sin(k * 0.06));
  const ms = await time(() => resample(src, 44100, 16000, quality), 3, 1);
  return { quality, median_ms: median(ms), ms_per_audio_second: median(ms) / SECONDS };
}

const whisper = { sample_rate: RATE, n_fft: 400, hop_length: 160, n_mels: 80 };
const out = {
  clip_seconds: SECONDS,
  whisper_basis: await measure(whisper),
  n_fft_512_basis: await measure({ ...whisper, n_fft: 512 }),
  n_fft_512_stft: await measure({ ...whisper, n_fft: 512, dft: 'stft' }),
  resample_44k1_to_16k: await resampleTime('medium'),
  resample_44k1_to_16k_best: await resampleTime('best'),
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
