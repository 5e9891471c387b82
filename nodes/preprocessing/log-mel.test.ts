import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, readNpy, type Tensor } from '@modalflow/core';
import logMel from './log-mel.ts';
import { registryWith, runNode, singleNodeGraph } from '../testing/run-node.ts';
import { melFilterbank } from '../lib/mel.ts';

const DIR = new URL('./fixtures/log-mel/', import.meta.url);
type Case = Record<string, unknown> & { name: string; samples: number; frames: number; n_mels: number };
const CASES = JSON.parse(readFileSync(new URL('cases.json', DIR), 'utf8')) as Case[];
const npy = (file: string): Tensor => readNpy(new Uint8Array(readFileSync(new URL(file, DIR))), file);

function relErr(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let mag = 0;
  for (let k = 0; k < ref.length; k++) {
    diff = Math.max(diff, Math.abs(got[k]! - ref[k]!));
    mag = Math.max(mag, Math.abs(ref[k]!));
  }
  return diff / mag;
}

function paramsOf(c: Case): Record<string, unknown> {
  const { name: _n, samples: _s, frames: _f, ...params } = c;
  return params;
}

describe('preprocess.log_mel', () => {
  for (const c of CASES) {
    it(`equals the float64 reference (${c.name}) to 1e-4 relative`, async () => {
      const audio = npy(`${c.name}.audio.npy`);
      const ref = npy(`${c.name}.mel.npy`);
      const { outputs } = await runNode(logMel, { params: paramsOf(c), inputs: { audio } });
      expect(outputs['mel']!.dims).toEqual([1, c.n_mels, c.frames]);
      const err = relErr(outputs['mel']!.data as Float32Array, ref.data as Float64Array);
      expect(err).toBeLessThan(1e-4);
    });
    // onnxruntime's STFT is a radix-2 FFT for powers of two only; see the node's comment.
    if ((c['n_fft'] as number) % 2 === 0 && ((c['n_fft'] as number) & ((c['n_fft'] as number) - 1)) === 0) {
      it(`equals the reference through the ONNX STFT op too (${c.name})`, async () => {
        const audio = npy(`${c.name}.audio.npy`);
        const ref = npy(`${c.name}.mel.npy`);
        const { outputs } = await runNode(logMel, { params: { ...paramsOf(c), dft: 'stft' }, inputs: { audio } });
        expect(relErr(outputs['mel']!.data as Float32Array, ref.data as Float64Array)).toBeLessThan(1e-4);
      });
    }
  }

  it('the ONNX STFT op misses 1e-4 at n_fft 400, which is why the DFT-basis Conv is the default', async () => {
    // onnxruntime computes sizes that are not powers of two with a direct float32 DFT.
    const c = CASES.find((k) => k.name === 'whisper')!;
    const ref = npy('whisper.mel.npy');
    const { outputs } = await runNode(logMel, { params: { ...paramsOf(c), dft: 'stft' }, inputs: { audio: npy('whisper.audio.npy') } });
    const err = relErr(outputs['mel']!.data as Float32Array, ref.data as Float64Array);
    expect(err).toBeGreaterThan(1e-4);
    expect(err).toBeLessThan(1e-3);
  });

  it('infers the frame count from a known clip length', () => {
    const c = CASES[0]!;
    const doc = singleNodeGraph(logMel, { params: paramsOf(c), inputs: { audio: { dtype: 'float32', dims: [2, c.samples], data: new Float32Array(2 * c.samples) } } });
    const a = analyzeGraph(doc, registryWith(logMel));
    expect(a.nodes.get('n')!.outputShapes['mel']).toEqual([2, c.n_mels, c.frames]);
  });

  it('refuses a clip too short to frame, naming the port', () => {
    const doc = singleNodeGraph(logMel, { inputs: { audio: { dtype: 'float32', dims: [1, 100], data: new Float32Array(100) } } });
    const a = analyzeGraph(doc, registryWith(logMel));
    const problem = a.problems.find((p) => p.code === 'MF_AUDIO_TOO_SHORT');
    expect(problem?.at).toMatchObject({ node: 'n', port: 'audio' });
    expect(problem?.message).toMatch(/100 samples are too few/);
  });

  it('refuses an empty clip at run time with a coded error', async () => {
    const refusal = logMel.checkInput!({ audio: [1, 0] }, { node: 'n', params: { ...logMel.params, n_fft: 400, hop_length: 160, win_length: 0, center: true, pad_mode: 'reflect', drop_last_frame: false } as never } as never);
    expect(refusal).toMatchObject({ code: 'MF_AUDIO_TOO_SHORT', port: 'audio', message: expect.stringMatching(/empty/) });
  });

  it('refuses an f_max above Nyquist', () => {
    const doc = singleNodeGraph(logMel, { params: { sample_rate: 16000, f_max: 9000 }, inputs: { audio: { dtype: 'float32', dims: [1, 'S' as never], data: new Float32Array(0) } } });
    const a = analyzeGraph(doc, registryWith(logMel));
    expect(a.problems.map((p) => p.message).join('\n')).toMatch(/above the Nyquist frequency 8000 Hz/);
  });

  it('Slaney-normalised bands each hold the same area in Hz', () => {
    const fb = melFilterbank({ sampleRate: 16000, nFft: 4096, nMels: 10, fMin: 0, fMax: 8000, scale: 'slaney', norm: 'slaney' });
    const bins = 2049;
    for (let m = 0; m < 10; m++) {
      let area = 0;
      for (let k = 0; k < bins; k++) area += fb[k * 10 + m]! * (16000 / 4096);
      expect(area).toBeCloseTo(1, 2);
    }
  });
});
