import { defineNode, int, tensor, type Dim } from '@modalflow/core';
import { batchDim, batchParam } from './batch.ts';

/**
 * A sound clip: mono float32 samples at `sample_rate`, [B, S]. The command line and the editor
 * decode WAV, FLAC or MP3, average the channels, resample with libsamplerate
 * (SRC_SINC_MEDIUM_QUALITY) and, when `samples` is set, pad with zeros or cut to that length.
 */
export default defineNode({
  type: 'input.audio',
  version: 1,
  category: 'inputs',
  title: 'Audio input',
  doc: 'A sound clip given at run time: a WAV, FLAC or MP3 file from the command line, or a file dropped (or a recording made) in the run panel. It arrives as one row of numbers between -1 and 1 per clip, `sample_rate` numbers per second, whatever rate the file had (it is resampled). Set `samples` to give every clip the same length (shorter clips end in silence, longer ones are cut), which several clips in one batch need. Connect it to *Log-mel spectrogram*.',
  formula: 'x \\in [-1, 1]^{B \\times S}',
  source: 'soundfile / torchaudio.load scaling, librosa.to_mono, libsamplerate SRC_SINC_MEDIUM_QUALITY',
  role: 'input',
  inputKind: 'audio',
  inputs: {},
  outputs: { audio: tensor('float32', ['B', 'S'], { description: 'Mono waveform, float32 [B, samples]' }) },
  params: {
    sample_rate: int({ default: 16000, min: 1000, max: 384000, description: 'Samples per second the graph reads; files are resampled to it' }),
    samples: int({ default: 0, min: 0, description: 'Fixed clip length in samples (0 = the file\'s length)' }),
    batch: batchParam(),
  },
  media: (p) => ({ sampleRate: p.sample_rate, samples: p.samples }),
  infer: ({ node, params }) => {
    const s: Dim = params.samples || `S_${node}`;
    return { audio: [batchDim(params.batch), s] };
  },
});
