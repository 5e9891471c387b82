import { memo, useEffect, useMemo, useRef, type MouseEvent } from 'react';
import { css, textOn, viridis } from '../results/colormap.ts';
import type { SimilaritySnapshot } from '../store/trainSlice.ts';
import { diagonalWins } from './metrics.ts';
import { useWidth } from '../ui/useWidth.ts';
import type { ViewPicture } from './protocol.ts';

function Picture({ picture, label }: { picture: ViewPicture; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const img = ctx.createImageData(picture.width, picture.height);
    for (let i = 0, j = 0; i < picture.pixels.length; i += 3, j += 4) {
      img.data[j] = picture.pixels[i]!;
      img.data[j + 1] = picture.pixels[i + 1]!;
      img.data[j + 2] = picture.pixels[i + 2]!;
      img.data[j + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [picture]);
  return <canvas ref={ref} width={picture.width} height={picture.height} className="mf-simview__pic" aria-label={label} />;
}

function softmaxRows(n: number, data: Float32Array): Float32Array {
  const out = new Float32Array(n * n);
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let c = 0; c < n; c++) max = Math.max(max, data[r * n + c]!);
    let sum = 0;
    for (let c = 0; c < n; c++) sum += out[r * n + c] = Math.exp(data[r * n + c]! - max);
    for (let c = 0; c < n; c++) out[r * n + c]! /= sum;
  }
  return out;
}

const CELL = 36;
const GAP = 2;

/**
 * The cells drawn on one canvas: the matrix changes every few steps, and as n² elements it made
 * the page lay out and paint them all each time; a canvas repaints in place and never moves
 * anything around it. The tooltip names the cell under the pointer.
 */
function MatrixCanvas({ n, data, probs, captions }: { n: number; data: Float32Array; probs: Float32Array; captions: readonly string[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const width = useWidth(ref);
  const height = n * CELL + (n - 1) * GAP;
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(width * dpr) || c.height !== Math.round(height * dpr)) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const cw = (width - (n - 1) * GAP) / n;
    const text = getComputedStyle(c).getPropertyValue('--mf-text').trim() || '#222';
    ctx.font = '600 10.5px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const p = probs[i * n + j]!;
        const color = viridis(p);
        const x = j * (cw + GAP);
        const y = i * (CELL + GAP);
        ctx.fillStyle = css(color);
        ctx.beginPath();
        ctx.roundRect(x, y, cw, CELL, 4);
        ctx.fill();
        if (i === j) {
          ctx.strokeStyle = text;
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.roundRect(x + 1, y + 1, cw - 2, CELL - 2, 4);
          ctx.stroke();
        }
        ctx.fillStyle = textOn(color);
        ctx.fillText((p * 100).toFixed(0), x + cw / 2, y + CELL / 2);
      }
    }
  }, [n, probs, width, height]);
  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const c = e.currentTarget;
    const box = c.getBoundingClientRect();
    const j = Math.min(n - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * n)));
    const i = Math.min(n - 1, Math.max(0, Math.floor(((e.clientY - box.top) / box.height) * n)));
    c.title = `picture ${i + 1} · “${captions[j] ?? ''}”: ${(probs[i * n + j]! * 100).toFixed(1)}% (logit ${data[i * n + j]!.toFixed(2)})`;
  };
  return (
    <canvas
      ref={ref}
      className="mf-simview__cells"
      style={{ gridColumn: `2 / span ${n}`, gridRow: `2 / span ${n}`, height }}
      onMouseMove={onMove}
      role="img"
      aria-label="Each held-out picture's scores over the captions, as percentages; its own caption on the outlined diagonal"
      data-testid="train-similarity-cells"
    />
  );
}

/** Captions and pictures: fixed for the run, so they are not re-rendered with every new matrix. */
const Labels = memo(function Labels({ n, pictures, captions }: { n: number; pictures: readonly ViewPicture[]; captions: readonly string[] }) {
  return (
    <>
      <span />
      {captions.slice(0, n).map((c, j) => (
        <span key={`c${j}`} className="mf-simview__col" title={c}>
          {c}
        </span>
      ))}
      {Array.from({ length: n }, (_, i) => (
        <span key={`r${i}`} className="mf-simview__rowhead" style={{ gridColumn: 1, gridRow: i + 2 }}>
          {pictures[i] && <Picture picture={pictures[i]!} label={`held-out picture ${i + 1}: ${captions[i] ?? ''}`} />}
        </span>
      ))}
    </>
  );
});

/**
 * The image–text similarity of a fixed batch of held-out pictures, each row softmaxed over the
 * captions: before training the rows are flat or wrong; as the model learns, each picture's own
 * caption (the diagonal, outlined) takes the row.
 */
export function SimilarityView({ snapshot, pictures, captions }: { snapshot: SimilaritySnapshot; pictures: readonly ViewPicture[]; captions: readonly string[] }) {
  const { n, data, step } = snapshot;
  const probs = useMemo(() => softmaxRows(n, data), [n, data]);
  const wins = useMemo(() => diagonalWins(n, data), [n, data]);
  return (
    <div className="mf-simview" data-testid="train-similarity" data-step={step} data-diagonal={wins} data-size={n}>
      <p className="mf-simview__caption">
        Step {step}: <strong data-testid="train-diagonal">{wins} of {n}</strong> pictures score their own caption highest.
      </p>
      <div className="mf-simview__grid" style={{ gridTemplateColumns: `40px repeat(${n}, minmax(24px, 1fr))`, gridTemplateRows: `auto repeat(${n}, ${CELL}px)` }}>
        <Labels n={n} pictures={pictures} captions={captions} />
        <MatrixCanvas n={n} data={data} probs={probs} captions={captions} />
      </div>
    </div>
  );
}
