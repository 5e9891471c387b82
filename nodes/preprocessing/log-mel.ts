import { NodeError, bool, choice, defineNode, float, int, tensor, type Dim } from '@modalflow/core';
import { i, ints, s } from '@modalflow/onnx';
import { hannWindow, melFilterbank } from '../lib/mel.ts';
import '../lib/lowering.ts';

const LOGS = ['whisper', 'ln', 'log10', 'none'] as const;

type Params = {
  sample_rate: number; n_fft: number; win_length: number; hop_length: number; n_mels: number;
  f_min: number; f_max: number; center: boolean; pad_mode: 'reflect' | 'constant'; power: 1 | 2 | number;
  mel_scale: 'slaney' | 'htk' | 'onnx'; norm: 'slaney' | 'none'; log: (typeof LOGS)[number]; eps: number;
  drop_last_frame: boolean; dft: 'basis' | 'stft';
};

function framesOf(samples: number, p: Params): number {
  const padded = p.center ? samples + 2 * Math.floor(p.n_fft / 2) : samples;
  const n = Math.floor((padded - p.n_fft) / p.hop_length) + 1;
  return p.drop_last_frame ? n - 1 : n;
}

function checkParams(p: Params): void {
  if (p.win_length > p.n_fft) throw new NodeError(`win_length ${p.win_length} is longer than n_fft ${p.n_fft}`, { param: 'win_length' });
  const nyquist = p.sample_rate / 2;
  const fMax = p.f_max > 0 ? p.f_max : nyquist;
  if (fMax > nyquist) throw new NodeError(`f_max ${fMax} Hz is above the Nyquist frequency ${nyquist} Hz`, { param: 'f_max' });
  if (p.f_min >= fMax) throw new NodeError(`f_min ${p.f_min} Hz must be below f_max ${fMax} Hz`, { param: 'f_min' });
  // MelWeightMatrix puts the top edge in FFT bin floor((n_fft + 1) * f_max / sample_rate), which
  // must be one of the floor(n_fft / 2) + 1 bins; with an odd n_fft the Nyquist frequency is not.
  const bins = Math.floor(p.n_fft / 2) + 1;
  if (p.mel_scale === 'onnx' && Math.floor(((p.n_fft + 1) * fMax) / p.sample_rate) >= bins) {
    throw new NodeError(`with mel_scale onnx, f_max ${fMax} Hz falls past the last of the ${bins} FFT bins of n_fft ${p.n_fft} at ${p.sample_rate} Hz; lower f_max or use an even n_fft`, { param: 'f_max' });
  }
}

/** Shortest clip the STFT accepts: one frame, and reflect padding needs more samples than it pads. */
function minSamples(p: Params): number {
  const half = Math.floor(p.n_fft / 2);
  if (!p.center) return p.n_fft + (p.drop_last_frame ? p.hop_length : 0);
  const base = p.pad_mode === 'reflect' ? half + 1 : 1;
  return Math.max(base, p.drop_last_frame ? p.hop_length : 1);
}

/**
 * Log-mel spectrogram, lowered to opset-17 ONNX (Pad, STFT, MatMul, Log):
 *   X[t, k] = sum_n w[n] x[t*hop + n - c] e^{-2 pi i k n / N}     (c = N/2 when centred)
 *   S[m, t] = sum_k fb[k, m] |X[t, k]|^p,   y = log(max(S, eps))
 * The filterbank follows librosa.filters.mel / torchaudio.functional.melscale_fbanks (Slaney or
 * HTK mel scale, optional Slaney norm) as a constant, or the ONNX MelWeightMatrix op itself.
 * `whisper` is Whisper's log_mel_spectrogram: log10, floored at (max - 8), then (y + 4) / 4.
 *
 * `dft: 'stft'` lowers the transform to the ONNX STFT op. onnxruntime (1.30) computes it with a
 * radix-2 FFT for powers of two, but with a direct float32 DFT for other sizes, which loses
 * precision in weak bands (Whisper's n_fft = 400: between 1e-4 and 1e-3 relative on the log-mel
 * fixture, log-mel.test.ts). The default `basis` writes the same transform as one strided Conv whose
 * kernel is built in float64, which stays under 1e-4 at any size, is a GEMM on every backend
 * and has gradient and shape rules for training.
 */
export default defineNode({
  type: 'preprocess.log_mel',
  version: 1,
  category: 'preprocessing',
  title: 'Log-mel spectrogram',
  views: { spectrogram: ['mel'] },
  doc: 'Turns a waveform into a picture of its sound: the short-time Fourier transform cuts the audio into overlapping windows (`n_fft` samples every `hop_length`), measures the energy at each frequency, and sums those energies into `n_mels` bands spaced as the ear hears pitch (the mel scale). The log of the band energies is what audio encoders such as Whisper and AST read. The defaults are Whisper\'s: 16 kHz, a 25 ms window every 10 ms, 80 Slaney mel bands. `htk` with norm `none` is torchaudio\'s MelSpectrogram default; `slaney` with norm `slaney` is librosa\'s; `onnx` uses the ONNX MelWeightMatrix operator\'s own HTK triangles on whole FFT bins.',
  formula: 'S_{mt} = \\sum_k F_{km} \\Big|\\sum_n w_n\\, x_{tH+n}\\, e^{-2\\pi i k n/N}\\Big|^p,\\quad y = \\log \\max(S, \\epsilon)',
  source: 'librosa.feature.melspectrogram / torchaudio.transforms.MelSpectrogram; openai/whisper audio.py log_mel_spectrogram',
  inputs: { audio: tensor('float32', ['B', 'S'], { description: 'Mono waveform, float32 [B, samples], at sample_rate' }) },
  outputs: { mel: tensor('float32', ['B', 'n_mels', 'T'], { description: 'Log-mel spectrogram [B, n_mels, frames]' }) },
  params: {
    sample_rate: int({ default: 16000, min: 1, description: 'Sample rate of the waveform in Hz (sets the band frequencies)' }),
    n_fft: int({ default: 400, min: 2, description: 'FFT size N in samples' }),
    win_length: int({ default: 0, min: 0, description: 'Hann window length (0 = n_fft); shorter windows are centred in n_fft' }),
    hop_length: int({ default: 160, min: 1, description: 'Samples between frames' }),
    n_mels: int({ default: 80, min: 1, description: 'Number of mel bands' }),
    f_min: float({ default: 0, min: 0, description: 'Lowest band edge in Hz' }),
    f_max: float({ default: 0, min: 0, description: 'Highest band edge in Hz (0 = sample_rate / 2)' }),
    center: bool({ default: true, description: 'Pad n_fft/2 samples at both ends so frame t is centred on sample t*hop' }),
    pad_mode: choice(['reflect', 'constant'], { default: 'reflect', description: 'Centre padding: reflect (torch.stft, Whisper) or zeros (librosa ≥ 0.10)' }),
    power: float({ default: 2, min: 1, max: 2, description: '1 for magnitude, 2 for power' }),
    mel_scale: choice(['slaney', 'htk', 'onnx'], { default: 'slaney', description: 'Mel formula: Slaney (librosa), HTK (torchaudio), or the ONNX MelWeightMatrix op' }),
    norm: choice(['slaney', 'none'], { default: 'slaney', description: 'Divide each band by its width (Slaney), or not' }),
    log: choice(LOGS, { default: 'whisper', description: 'whisper (log10, floor at max-8, (y+4)/4), ln, log10, or none' }),
    eps: float({ default: 1e-10, min: 0, description: 'Floor before the log' }),
    drop_last_frame: bool({ default: false, description: 'Drop the last frame, as Whisper does' }),
    dft: choice(['basis', 'stft'], { default: 'basis', description: 'DFT as a strided Conv over a float64-built basis (1e-4 at any n_fft), or the ONNX STFT op (exact for powers of two in onnxruntime)' }),
  },
  infer: ({ inputs, params: raw, node }) => {
    const p = effective(raw as Params);
    checkParams(p);
    const [b, samples] = inputs['audio']! as [Dim, Dim];
    let t: Dim = `T_${node}`;
    if (typeof samples === 'number') {
      if (samples < minSamples(p)) throw new NodeError(`${samples} samples are too few: this spectrogram needs at least ${minSamples(p)}`, { port: 'audio', code: 'MF_AUDIO_TOO_SHORT' });
      t = framesOf(samples, p);
    }
    return { mel: [b, p.n_mels, t] };
  },
  checkInput: (inputs, { params }) => {
    const shape = inputs['audio'];
    if (!shape) return undefined;
    const p = effective(params as Params);
    const need = minSamples(p);
    if (shape[1]! >= need) return undefined;
    return {
      code: 'MF_AUDIO_TOO_SHORT', port: 'audio',
      message: shape[1] === 0 ? 'the clip is empty (0 samples)' : `the clip has ${shape[1]} samples; this spectrogram needs at least ${need} (n_fft ${p.n_fft}, ${p.center ? `centred, ${p.pad_mode} padding` : 'not centred'})`,
    };
  },
  flops: ({ inputs, params: raw, size }) => {
    const p = effective(raw as Params);
    const b = size(inputs['audio']![0]!);
    const frames = Math.max(1, framesOf(size(inputs['audio']![1]!), p));
    const bins = Math.floor(p.n_fft / 2) + 1;
    // a direct DFT per frame (what onnxruntime does for sizes that are not powers of two)
    return b * frames * (8 * p.n_fft * bins + 3 * bins + 2 * bins * p.n_mels + 4 * p.n_mels);
  },
  lower: ({ g, x, params: raw }) => {
    const p = effective(raw as Params);
    const half = Math.floor(p.n_fft / 2);
    let signal = x['audio']!;
    if (p.center) {
      const mode = s(p.pad_mode);
      signal = g.op('Pad', [signal, g.constInt64([0, half, 0, half])], { mode });
    }
    const bins = half + 1;
    let spec: string; // power spectrum [B, T, bins]
    if (p.dft === 'basis') {
      // The windowed DFT as a strided convolution: row k is w[n] cos(2 pi k n / N), row bins + k
      // is -w[n] sin(2 pi k n / N), with the angle reduced mod N in float64 before rounding.
      const win = hannWindow(p.win_length, p.n_fft);
      const basis = new Float32Array(2 * bins * p.n_fft);
      for (let k = 0; k < bins; k++) {
        for (let n = 0; n < p.n_fft; n++) {
          const a = (2 * Math.PI * ((k * n) % p.n_fft)) / p.n_fft;
          basis[k * p.n_fft + n] = win[n]! * Math.cos(a);
          basis[(bins + k) * p.n_fft + n] = -win[n]! * Math.sin(a);
        }
      }
      const w = g.constant({ dtype: 'float32', dims: [2 * bins, 1, p.n_fft], data: basis }, 'dft_basis');
      const y = g.op('Conv', [g.op('Unsqueeze', [signal, g.constInt64([1])]), w], { strides: ints([p.hop_length]) }); // [B, 2*bins, T]
      const ri = g.op('Reshape', [y, g.constInt64([0, 2, bins, -1])]);
      spec = g.op('Transpose', [g.op('ReduceSum', [g.op('Mul', [ri, ri]), g.constInt64([1])], { keepdims: i(0) })], { perm: ints([0, 2, 1]) });
    } else {
      const frames = g.op('STFT', [
        g.op('Unsqueeze', [signal, g.constInt64([2])]), // [B, S, 1]: real signal
        g.scalarInt64(p.hop_length),
        g.constFloat(Array.from(hannWindow(p.win_length, p.n_fft))),
        g.scalarInt64(p.n_fft),
      ], { onesided: i(1) }); // [B, T, bins, 2]
      spec = g.op('ReduceSum', [g.op('Mul', [frames, frames]), g.constInt64([3])], { keepdims: i(0) }); // |X|^2
    }
    if (p.power !== 2) spec = g.op('Pow', [spec, g.scalarFloat(p.power / 2)]);
    if (p.drop_last_frame) spec = g.op('Slice', [spec, g.constInt64([0]), g.constInt64([-1]), g.constInt64([1])]);
    let fb: string;
    if (p.mel_scale === 'onnx') {
      fb = g.op('MelWeightMatrix', [
        g.scalarInt64(p.n_mels), g.scalarInt64(p.n_fft), g.scalarInt64(p.sample_rate),
        g.scalarFloat(p.f_min), g.scalarFloat(p.f_max),
      ], { output_datatype: i(1) });
    } else {
      const w = melFilterbank({ sampleRate: p.sample_rate, nFft: p.n_fft, nMels: p.n_mels, fMin: p.f_min, fMax: p.f_max, scale: p.mel_scale, norm: p.norm });
      fb = g.constFloat(Array.from(w), [bins, p.n_mels]);
    }
    const mel = g.op('Transpose', [g.op('MatMul', [spec, fb])], { perm: ints([0, 2, 1]) }); // [B, n_mels, T]
    if (p.log === 'none') return { mel };
    const floored = g.op('Max', [mel, g.scalarFloat(p.eps)]);
    if (p.log === 'ln') return { mel: g.op('Log', [floored]) };
    const log10 = g.op('Mul', [g.op('Log', [floored]), g.scalarFloat(1 / Math.LN10)]);
    if (p.log === 'log10') return { mel: log10 };
    const peak = g.op('ReduceMax', [log10], { axes: ints([1, 2]), keepdims: i(1) });
    const clamped = g.op('Max', [log10, g.op('Sub', [peak, g.scalarFloat(8)])]);
    return { mel: g.op('Div', [g.op('Add', [clamped, g.scalarFloat(4)]), g.scalarFloat(4)]) };
  },
});

function effective(p: Params): Params {
  return { ...p, win_length: p.win_length || p.n_fft, f_max: p.f_max > 0 ? p.f_max : p.sample_rate / 2 };
}
