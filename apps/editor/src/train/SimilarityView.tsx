import { useEffect, useMemo, useRef } from 'react';
import { css, textOn, viridis } from '../results/colormap.ts';
import type { SimilaritySnapshot } from '../store/trainSlice.ts';
import { diagonalWins } from './metrics.ts';
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
      <div className="mf-simview__grid" style={{ gridTemplateColumns: `40px repeat(${n}, minmax(30px, 1fr))` }} role="table">
        <span />
        {captions.map((c, j) => (
          <span key={`c${j}`} className="mf-simview__col" title={c} role="columnheader">
            {c}
          </span>
        ))}
        {Array.from({ length: n }, (_, i) => (
          <div key={`r${i}`} className="mf-simview__row" role="row">
            <span role="rowheader">{pictures[i] && <Picture picture={pictures[i]!} label={`held-out picture ${i + 1}: ${captions[i] ?? ''}`} />}</span>
            {Array.from({ length: n }, (_, j) => {
              const p = probs[i * n + j]!;
              const color = viridis(p);
              return (
                <span
                  key={j}
                  className={`mf-simview__cell${i === j ? ' is-diag' : ''}`}
                  style={{ background: css(color), color: textOn(color) }}
                  title={`picture ${i + 1} · “${captions[j] ?? ''}”: ${(p * 100).toFixed(1)}% (logit ${data[i * n + j]!.toFixed(2)})`}
                  role="cell"
                >
                  {(p * 100).toFixed(0)}
                </span>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
