import { useEffect, useRef } from 'react';
import type { Tensor } from '@modalflow/core';
import { inferno } from './colormap.ts';


/**
 * The first clip's spectrogram [n_mels, T] as a picture: time to the right, low bands at the
 * bottom, colour from the lowest to the highest value of the clip (inferno).
 */
export function SpectrogramCard({ title, source, tensor, testId }: { title: string; source: string; tensor: Tensor; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [, mels, frames] = tensor.dims as [number, number, number];
  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g || !mels || !frames) return;
    const data = (tensor.data as Float32Array).subarray(0, mels * frames);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of data) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const img = g.createImageData(frames, mels);
    for (let m = 0; m < mels; m++) {
      for (let t = 0; t < frames; t++) {
        const [r, gg, b] = inferno(hi > lo ? (data[m * frames + t]! - lo) / (hi - lo) : 0.5);
        const at = ((mels - 1 - m) * frames + t) * 4;
        img.data.set([r, gg, b, 255], at);
      }
    }
    c.width = frames;
    c.height = mels;
    g.putImageData(img, 0, 0);
  }, [tensor, mels, frames]);
  return (
    <section className="mf-result mf-result--spectrogram" data-testid={testId}>
      <header className="mf-result__head">
        <div>
          <h4>{title}</h4>
          <span className="mf-muted">{source} · {mels} bands × {frames} frames{tensor.dims[0]! > 1 ? ` · clip 1 of ${tensor.dims[0]}` : ''}</span>
        </div>
      </header>
      <canvas ref={canvas} className="mf-spectrogram" style={{ width: '100%', height: 120, imageRendering: 'pixelated' }} />
    </section>
  );
}
