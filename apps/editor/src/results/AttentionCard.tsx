import { useEffect, useMemo, useRef, useState } from 'react';
import type { Tensor } from '@modalflow/core';
import type { ImageItem } from '../run/inputValues.ts';
import { attentionMatrix, attentionRow, attentionShape, patchSpan, patchWeights, poolMatrix, tokenName, visibleRegion, type PatchLayout, type PatchSpan } from './attention.ts';
import { inferno, viridis } from './colormap.ts';
import { RowPicker } from './ProbabilityCard.tsx';
import type { AttentionSource } from './sources.ts';

const OVERLAY = 240;

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not draw ${url}`));
    img.src = url;
  });
}

/** Sets a canvas's backing store for crisp drawing at the screen's pixel ratio. */
function prepare(canvas: HTMLCanvasElement, width: number, height: number) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** A gh × gw image of the weights in the colour map, transparent where attention is low. */
function heatImage(weights: Float32Array, span: PatchSpan): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = span.gw;
  c.height = span.gh;
  const ctx = c.getContext('2d')!;
  const img = ctx.createImageData(span.gw, span.gh);
  weights.forEach((w, i) => {
    const [r, g, b] = inferno(0.15 + 0.85 * w);
    img.data.set([r, g, b, Math.round(255 * (0.12 + 0.7 * w))], i * 4);
  });
  ctx.putImageData(img, 0, 0);
  return c;
}

/** The attention of one query over the patches, laid over the part of the picture the model saw. */
function Overlay({ image, weights, span, model, crop }: { image: ImageItem | undefined; weights: Float32Array; span: PatchSpan; model: { width: number; height: number } | null; crop: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  // A coarse grid reads best as blocks, one per patch; a fine one as a smooth map.
  const [smooth, setSmooth] = useState(span.gh * span.gw >= 49);
  useEffect(() => {
    let live = true;
    const draw = async () => {
      const picture = image ? await loadImage(image.url).catch(() => null) : null;
      if (!live || !ref.current) return;
      const w0 = picture?.naturalWidth ?? model?.width ?? span.gw;
      const h0 = picture?.naturalHeight ?? model?.height ?? span.gh;
      const s = Math.min(OVERLAY / w0, OVERLAY / h0);
      const width = Math.round(w0 * s);
      const height = Math.round(h0 * s);
      const ctx = prepare(ref.current, width, height);
      ctx.clearRect(0, 0, width, height);
      // A centre crop saw part of the picture; a plain resize (even one that changes the aspect) saw all of it.
      const seen = picture && model && crop ? visibleRegion(w0, h0, model.width, model.height) : { x: 0, y: 0, width: w0, height: h0 };
      if (picture) ctx.drawImage(picture, 0, 0, width, height);
      else {
        ctx.fillStyle = '#222';
        ctx.fillRect(0, 0, width, height);
      }
      const r = { x: seen.x * s, y: seen.y * s, w: seen.width * s, h: seen.height * s };
      // Outside what the model saw (a centre crop): dimmed, so the heat is not read as covering it.
      ctx.fillStyle = 'rgb(0 0 0 / 0.55)';
      ctx.fillRect(0, 0, width, r.y);
      ctx.fillRect(0, r.y + r.h, width, height - r.y - r.h);
      ctx.fillRect(0, r.y, r.x, r.h);
      ctx.fillRect(r.x + r.w, r.y, width - r.x - r.w, r.h);
      ctx.imageSmoothingEnabled = smooth;
      ctx.drawImage(heatImage(weights, span), r.x, r.y, r.w, r.h);
      ctx.strokeStyle = 'rgb(255 255 255 / 0.35)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let i = 1; i < span.gw; i++) {
        const x = Math.round(r.x + (r.w * i) / span.gw) + 0.5;
        ctx.moveTo(x, r.y);
        ctx.lineTo(x, r.y + r.h);
      }
      for (let j = 1; j < span.gh; j++) {
        const y = Math.round(r.y + (r.h * j) / span.gh) + 0.5;
        ctx.moveTo(r.x, y);
        ctx.lineTo(r.x + r.w, y);
      }
      ctx.stroke();
      ref.current.dataset['drawn'] = 'true';
    };
    void draw();
    return () => {
      live = false;
    };
  }, [image, weights, span, model, crop, smooth]);
  return (
    <figure className="mf-attn__overlay">
      <canvas ref={ref} data-testid="attention-overlay" data-grid={`${span.gh}x${span.gw}`} aria-label={`Attention over a ${span.gh} by ${span.gw} patch grid`} />
      <figcaption>
        <span className="mf-muted">
          {span.gh}×{span.gw} patches{image ? ` on ${image.name}` : ''}
        </span>
        <label className="mf-check">
          <input type="checkbox" checked={smooth} onChange={(e) => setSmooth(e.target.checked)} /> smooth
        </label>
      </figcaption>
    </figure>
  );
}

const MAX_CELLS = 128;

/** The whole [queries × keys] map of one head, each row scaled to its maximum; click a row to pick that query. */
function MatrixMap({ matrix, queries, keys, query, onQuery, span }: { matrix: Float32Array; queries: number; keys: number; query: number; onQuery: (q: number) => void; span: PatchSpan | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const pooled = useMemo(() => poolMatrix(matrix, queries, keys, MAX_CELLS, MAX_CELLS), [matrix, queries, keys]);
  const { rows, cols, data } = pooled;
  const cell = Math.max(1.5, Math.min(24, 200 / Math.max(rows, cols)));
  useEffect(() => {
    if (!ref.current) return;
    const ctx = prepare(ref.current, cols * cell, rows * cell);
    for (let q = 0; q < rows; q++) {
      let max = 0;
      for (let k = 0; k < cols; k++) max = Math.max(max, data[q * cols + k]!);
      for (let k = 0; k < cols; k++) {
        const [r, g, b] = viridis(max > 0 ? data[q * cols + k]! / max : 0);
        ctx.fillStyle = `rgb(${r} ${g} ${b})`;
        ctx.fillRect(k * cell, q * cell, cell + 0.5, cell + 0.5);
      }
    }
    const x = (k: number) => (k * cols * cell) / keys;
    const y = (q: number) => (q * rows * cell) / queries;
    if (span) {
      ctx.strokeStyle = 'rgb(255 255 255 / 0.8)';
      ctx.setLineDash([3, 2]);
      ctx.strokeRect(x(span.offset) + 0.5, 0.5, x(span.gh * span.gw) - 1, rows * cell - 1);
      ctx.setLineDash([]);
    }
    ctx.strokeStyle = '#ff4d6d';
    ctx.lineWidth = 2;
    const rowHeight = Math.max(2, y(1));
    ctx.strokeRect(1, y(query) + 1, cols * cell - 2, Math.max(1, rowHeight - 2));
  }, [data, rows, cols, queries, keys, query, cell, span]);
  return (
    <figure className="mf-attn__matrix">
      <canvas
        ref={ref}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          onQuery(Math.min(queries - 1, Math.floor(((e.clientY - r.top) / r.height) * queries)));
        }}
        title="Rows: queries, columns: keys (each row scaled to its maximum). Click a row to show that query."
        data-testid="attention-matrix"
      />
      <figcaption className="mf-muted">
        {queries} queries × {keys} keys{rows < queries || cols < keys ? ' (averaged)' : ''}
        {span ? ' · dashed: image patches' : ''}
      </figcaption>
    </figure>
  );
}

export function AttentionCard({ sources, tensors, images }: { sources: AttentionSource[]; tensors: Record<string, Tensor>; images: Record<string, ImageItem[]> }) {
  const available = useMemo(
    () =>
      sources.filter((s) => {
        const shape = tensors[s.tap] ? attentionShape(tensors[s.tap]!) : null;
        return !!shape && shape.batch > 0 && shape.queries > 0 && shape.keys > 0;
      }),
    [sources, tensors],
  );
  // Prefer a map that can be laid over a picture.
  const [pick, setPick] = useState<string | null>(null);
  const source = available.find((s) => s.tap === pick) ?? available.find((s) => s.patch) ?? available[0];
  const [head, setHead] = useState<number | 'mean'>('mean');
  const [query, setQuery] = useState(0);
  const [batch, setBatch] = useState(0);
  const tensor = source ? tensors[source.tap] : undefined;
  const shape = useMemo(() => (tensor ? attentionShape(tensor) : null), [tensor]);

  const layout = useMemo((): { layout: PatchLayout | null; model: { width: number; height: number } | null } => {
    const pixels = source?.patch ? tensors[source.patch.pixels] : undefined;
    if (!source?.patch || !pixels || pixels.dims.length !== 4) return { layout: null, model: null };
    const [, , h, w] = pixels.dims as [number, number, number, number];
    const p = source.patch.patch;
    return { layout: { gh: Math.floor(h / p), gw: Math.floor(w / p), classToken: source.patch.classToken, position: source.patch.position }, model: { width: w, height: h } };
  }, [source, tensors]);

  const b = shape ? Math.min(batch, shape.batch - 1) : 0;
  const h = !shape || head === 'mean' || head < shape.heads ? head : 'mean';
  const q = shape ? Math.min(query, shape.queries - 1) : 0;
  const picture = source?.patch?.image ? images[source.patch.image]?.[b] : undefined;
  const aspect = picture ? picture.width / picture.height : layout.model ? layout.model.width / layout.model.height : 1;
  const view = useMemo(() => {
    if (!tensor || !shape) return null;
    const span = patchSpan(shape.keys, layout.layout, aspect);
    const row = attentionRow(tensor, shape, b, h, q);
    return { span, weights: span ? patchWeights(row, span) : null, matrix: attentionMatrix(tensor, shape, b, h) };
  }, [tensor, shape, layout, aspect, b, h, q]);
  if (!source || !tensor || !shape || !view) return null;
  const { span, weights, matrix } = view;
  const classToken = source.patch?.classToken ?? true;

  return (
    <section className="mf-result mf-result--attention" data-testid="attention-card">
      <header className="mf-result__head">
        <div>
          <h4>Attention</h4>
          <span className="mf-muted">{span ? `query ${tokenName(q, span, classToken)} over the image patches` : `${shape.heads} head${shape.heads === 1 ? '' : 's'}, ${shape.queries}×${shape.keys}`}</span>
        </div>
      </header>
      <div className="mf-attn__controls">
        <label>
          <span>map</span>
          <select className="mf-field__input" value={source.tap} onChange={(e) => setPick(e.target.value)} data-testid="attention-source">
            {available.map((s) => (
              <option key={s.tap} value={s.tap}>
                {s.tap}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>head</span>
          <select className="mf-field__input" value={String(h)} onChange={(e) => setHead(e.target.value === 'mean' ? 'mean' : Number(e.target.value))} data-testid="attention-head">
            <option value="mean">mean of {shape.heads}</option>
            {Array.from({ length: shape.heads }, (_, i) => (
              <option key={i} value={i}>
                head {i + 1}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>query</span>
          {shape.queries <= 256 ? (
            <select className="mf-field__input" value={q} onChange={(e) => setQuery(Number(e.target.value))} data-testid="attention-query">
              {Array.from({ length: shape.queries }, (_, i) => (
                <option key={i} value={i}>
                  {tokenName(i, span, classToken)}
                </option>
              ))}
            </select>
          ) : (
            <input type="number" className="mf-field__input" min={0} max={shape.queries - 1} value={q} onChange={(e) => setQuery(Math.max(0, Number(e.target.value) || 0))} data-testid="attention-query" />
          )}
        </label>
        <RowPicker count={shape.batch} value={b} onChange={setBatch} labels={source.patch?.image ? images[source.patch.image]?.map((i) => i.name) : undefined} />
      </div>
      <div className="mf-attn__views">
        {span && weights ? (
          <Overlay image={picture} weights={weights} span={span} model={layout.model} crop={source.patch?.crop ?? false} />
        ) : (
          <p className="mf-muted mf-attn__nogrid">The keys of this map are not image patches, so it is shown as a matrix only.</p>
        )}
        <MatrixMap matrix={matrix} queries={shape.queries} keys={shape.keys} query={q} onQuery={setQuery} span={span} />
      </div>
    </section>
  );
}
