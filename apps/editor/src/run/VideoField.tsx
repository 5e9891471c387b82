import { useEffect, useRef, type ChangeEvent } from 'react';
import type { Tensor } from '@modalflow/core';
import { decodeVideoFrames } from '@modalflow/media';
import { useEditorApi, useUiApi } from '../app/context.tsx';
import type { GraphInput } from './graphInputs.ts';
import type { InputValue } from './inputValues.ts';

const VIDEO_TYPES = 'video/webm,video/mp4,video/quicktime,video/x-matroska,.webm,.mp4,.mov,.mkv';

/** The sampled frames of the first clip side by side, as the graph receives them. */
function FrameStrip({ tensor, frames }: { tensor: Tensor; frames: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [, h = 0, w = 0] = tensor.dims;
  const count = Math.min(frames, tensor.dims[0] ?? 0);
  useEffect(() => {
    const g = canvas.current?.getContext('2d');
    if (!g || !h || !w) return;
    const data = tensor.data as Uint8Array;
    const img = g.createImageData(w * count, h);
    for (let f = 0; f < count; f++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const from = ((f * h + y) * w + x) * 3;
          const to = (y * w * count + f * w + x) * 4;
          img.data[to] = data[from]!;
          img.data[to + 1] = data[from + 1]!;
          img.data[to + 2] = data[from + 2]!;
          img.data[to + 3] = 255;
        }
      }
    }
    g.putImageData(img, 0, 0);
  }, [tensor, count, h, w]);
  return <canvas ref={canvas} className="mf-frame-strip" width={w * count} height={h} style={{ maxWidth: '100%', imageRendering: 'pixelated' }} data-testid="frame-strip" />;
}

/**
 * Clips for a video input: each file is demuxed and decoded in the browser (WebCodecs) and its
 * frames chosen as `modalflow run` chooses them with ffmpeg (uniform over the clip, or so many per
 * second), scaled to the input's size. Several files make a batch of clips, frames one after another.
 */
export function VideoField({ input, value }: { input: GraphInput; value: Extract<InputValue, { kind: 'tensor' }> | undefined }) {
  const editor = useEditorApi();
  const ui = useUiApi();
  const file = useRef<HTMLInputElement>(null);
  const frames = input.media?.frames ?? 8;
  const fps = input.media?.fps ?? 0;
  const height = input.media?.height ?? 224;
  const width = input.media?.width ?? 224;

  const onFiles = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    if (!files.length) return;
    try {
      const size = frames * height * width * 3;
      const data = new Uint8Array(files.length * size);
      for (const [k, f] of files.entries()) data.set((await decodeVideoFrames(f, { frames, fps, height, width }, f.name)).frames.data as Uint8Array, k * size);
      const tensor: Tensor = { dtype: 'uint8', dims: [files.length * frames, height, width, 3], data };
      editor.getState().setRunInput(input.name, { kind: 'tensor', mode: 'file', file: files.map((f) => f.name).join(', '), tensor });
    } catch (err) {
      ui.getState().notify({ kind: 'error', title: `Could not read ${files.map((f) => f.name).join(', ')}`, detail: (err as Error).message });
    }
  };

  return (
    <div className="mf-tensor-field mf-video-field">
      <button type="button" onClick={() => file.current?.click()} title={`${frames} frames ${fps ? `at ${fps} per second` : 'spread over the clip'}, ${width}x${height}`} data-testid={`video-${input.name}-file`}>
        Video file…
      </button>
      <span className="mf-tensor-field__shape mf-mono" title={value?.mode === 'file' ? value.file : undefined}>
        {value?.mode === 'file' ? `${value.file} · [${value.tensor.dims.join(', ')}]` : `${frames} frames${fps ? ` at ${fps}/s` : ''}`}
      </span>
      {value?.mode === 'file' && <FrameStrip tensor={value.tensor} frames={frames} />}
      <input ref={file} type="file" multiple accept={VIDEO_TYPES} hidden onChange={(e) => void onFiles(e)} />
    </div>
  );
}
