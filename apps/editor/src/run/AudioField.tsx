import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { Tensor } from '@modalflow/core';
import { audioBatch, loadAudioClip, padOrTrim, resample } from '@modalflow/media';
import { useEditorApi, useUiApi } from '../app/context.tsx';
import type { GraphInput } from './graphInputs.ts';
import type { InputValue } from './inputValues.ts';
import { waveformColumns } from './waveform.ts';

const AUDIO_TYPES = 'audio/wav,audio/x-wav,audio/flac,audio/mpeg,.wav,.flac,.mp3';

/** The first clip of an audio value as a waveform: one min-max bar per pixel column. */
function Waveform({ tensor }: { tensor: Tensor }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const n = tensor.dims[1] ?? 0;
    const { min, max } = waveformColumns((tensor.data as Float32Array).subarray(0, n), c.width);
    g.clearRect(0, 0, c.width, c.height);
    g.fillStyle = getComputedStyle(c).color || '#4a7';
    const mid = c.height / 2;
    for (let x = 0; x < c.width; x++) g.fillRect(x, mid - max[x]! * mid, 1, Math.max(1, (max[x]! - min[x]!) * mid));
  }, [tensor]);
  return <canvas ref={canvas} className="mf-waveform" width={240} height={48} data-testid="waveform" />;
}

/**
 * Sound for an audio input: files (WAV, FLAC, MP3) decoded, averaged to mono and resampled to the
 * input's rate by the same code as the command line, or a recording from the microphone (decoded
 * by Web Audio, then resampled alike). Several files make a batch.
 */
export function AudioField({ input, value }: { input: GraphInput; value: Extract<InputValue, { kind: 'tensor' }> | undefined }) {
  const editor = useEditorApi();
  const ui = useUiApi();
  const file = useRef<HTMLInputElement>(null);
  const [recorder, setRecorder] = useState<MediaRecorder | null>(null);
  const rate = input.media?.sampleRate ?? 16000;
  const samples = input.media?.samples ?? 0;
  const set = (name: string, tensor: Tensor) => editor.getState().setRunInput(input.name, { kind: 'tensor', mode: 'file', file: name, tensor });
  const report = (title: string, e: unknown) => ui.getState().notify({ kind: 'error', title, detail: (e as Error).message });

  const onFiles = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    if (!files.length) return;
    try {
      const clips = [];
      for (const f of files) clips.push(await loadAudioClip(new Uint8Array(await f.arrayBuffer()), f.name, { sampleRate: rate, samples }));
      set(files.map((f) => f.name).join(', '), audioBatch(clips, files.map((f) => f.name)));
    } catch (err) {
      report(`Could not read ${files.map((f) => f.name).join(', ')}`, err);
    }
  };

  const record = async () => {
    if (recorder) {
      recorder.stop();
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const rec = new MediaRecorder(stream);
      const chunks: Blob[] = [];
      rec.ondataavailable = (ev) => chunks.push(ev.data);
      rec.onstop = async () => {
        stream.getTracks().forEach((t) => t.stop());
        setRecorder(null);
        try {
          const ctx = new AudioContext();
          const buf = await ctx.decodeAudioData(await new Blob(chunks).arrayBuffer());
          await ctx.close();
          const mono = new Float32Array(buf.length);
          for (let c = 0; c < buf.numberOfChannels; c++) buf.getChannelData(c).forEach((v, k) => (mono[k]! += v / buf.numberOfChannels));
          const clip = await resample(mono, buf.sampleRate, rate);
          const fitted = samples ? padOrTrim(clip, samples) : clip;
          set('recording', { dtype: 'float32', dims: [1, fitted.length], data: fitted });
        } catch (err) {
          report('Could not use the recording', err);
        }
      };
      rec.start();
      setRecorder(rec);
    } catch (err) {
      report('The microphone is not available', err);
    }
  };

  return (
    <div className="mf-tensor-field mf-audio-field">
      <div className="mf-segmented" role="group" aria-label={`${input.name} sound`}>
        <button type="button" onClick={() => file.current?.click()} title={`WAV, FLAC or MP3; resampled to ${rate} Hz`} data-testid={`audio-${input.name}-file`}>
          Sound file…
        </button>
        <button type="button" className={recorder ? 'is-on' : ''} onClick={() => void record()} title="Record from the microphone" data-testid={`audio-${input.name}-record`}>
          {recorder ? 'Stop' : 'Record'}
        </button>
      </div>
      <span className="mf-tensor-field__shape mf-mono" title={value?.mode === 'file' ? value.file : undefined}>
        {value?.mode === 'file' ? `${value.file} · [${value.tensor.dims.join(', ')}] · ${(value.tensor.dims[1]! / rate).toFixed(2)} s` : `${rate} Hz`}
      </span>
      {value?.mode === 'file' && <Waveform tensor={value.tensor} />}
      <input ref={file} type="file" multiple accept={AUDIO_TYPES} hidden onChange={(e) => void onFiles(e)} />
    </div>
  );
}
