/**
 * Mel filterbanks as librosa (`librosa.filters.mel`) and torchaudio
 * (`torchaudio.functional.melscale_fbanks`) build them; both use one formula:
 *   f_pts = mel_to_hz(linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2))
 *   fb[k, m] = max(0, min((f_k - f_pts[m]) / (f_pts[m+1] - f_pts[m]),
 *                         (f_pts[m+2] - f_k) / (f_pts[m+2] - f_pts[m+1])))
 * with f_k = k * sr / n_fft, and Slaney's area normalisation 2 / (f_pts[m+2] - f_pts[m]).
 * Computed in float64 (librosa's precision; torchaudio uses float32, a difference below 1e-6).
 */
export type MelScale = 'htk' | 'slaney';

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP : hz / F_SP;
}

export function melToHz(mel: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

export interface MelFilterOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin: number;
  fMax: number;
  scale: MelScale;
  /** 'slaney' divides each triangle by its width in Hz (constant energy per band). */
  norm: 'slaney' | 'none';
}

/** The filterbank as [n_fft/2 + 1, n_mels], row-major: the right operand of power @ fb. */
export function melFilterbank(o: MelFilterOptions): Float64Array {
  const bins = Math.floor(o.nFft / 2) + 1;
  const lo = hzToMel(o.fMin, o.scale);
  const hi = hzToMel(o.fMax, o.scale);
  const pts = Array.from({ length: o.nMels + 2 }, (_, j) => melToHz(lo + ((hi - lo) * j) / (o.nMels + 1), o.scale));
  const fb = new Float64Array(bins * o.nMels);
  for (let k = 0; k < bins; k++) {
    const f = (k * o.sampleRate) / o.nFft;
    for (let m = 0; m < o.nMels; m++) {
      const down = (f - pts[m]!) / (pts[m + 1]! - pts[m]!);
      const up = (pts[m + 2]! - f) / (pts[m + 2]! - pts[m + 1]!);
      let w = Math.max(0, Math.min(down, up));
      if (o.norm === 'slaney') w *= 2 / (pts[m + 2]! - pts[m]!);
      fb[k * o.nMels + m] = w;
    }
  }
  return fb;
}

/** torch.hann_window(win, periodic=True), centred in n_fft zeros as torch.stft pads it. */
export function hannWindow(win: number, nFft: number): Float64Array {
  const w = new Float64Array(nFft);
  const left = Math.floor((nFft - win) / 2);
  for (let n = 0; n < win; n++) w[left + n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / win);
  return w;
}
