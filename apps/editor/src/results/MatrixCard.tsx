import { useMemo, useState } from 'react';
import type { Tensor } from '@modalflow/core';
import { css, textOn, viridis } from './colormap.ts';
import { softmaxRows } from './probabilities.ts';
import { formatValue } from './stats.ts';

const truncate = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A [N, M] matrix as a heatmap with its rows and columns named: for a dual encoder, each image
 * against each text; "softmax per row" turns an image's row into its probabilities over the texts.
 */
export function MatrixCard({ title, source, tensor, rowLabels, colLabels, rowName, colName, testId }: {
  title: string;
  source: string;
  tensor: Tensor;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  rowName: string;
  colName: string;
  testId: string;
}) {
  const [n, m] = tensor.dims as [number, number];
  const [soft, setSoft] = useState(m > 1);
  const values = useMemo(() => (soft ? softmaxRows(tensor) : (tensor.data as Float32Array)), [soft, tensor]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = (v: number) => (soft ? v : hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const showText = n * m <= 64;
  const label = (labels: readonly string[] | undefined, i: number, count: number, what: string) => (labels && labels.length === count ? labels[i]! : `${what} ${i + 1}`);
  return (
    <section className="mf-result mf-result--matrix" data-testid={testId}>
      <header className="mf-result__head">
        <div>
          <h4>{title}</h4>
          <span className="mf-muted">
            {source} · {n} {rowName}
            {n === 1 ? '' : 's'} × {m} {colName}
            {m === 1 ? '' : 's'} · {soft ? `softmax over ${colName}s` : 'logits'}
          </span>
        </div>
        <label className="mf-check" title={`Each row as probabilities over the ${colName}s`}>
          <input type="checkbox" checked={soft} onChange={(e) => setSoft(e.target.checked)} /> softmax per row
        </label>
      </header>
      <div className="mf-matrix" style={{ gridTemplateColumns: `minmax(60px, max-content) repeat(${m}, minmax(34px, 1fr))` }} role="table">
        <span />
        {Array.from({ length: m }, (_, j) => (
          <span key={`c${j}`} className="mf-matrix__col" title={label(colLabels, j, m, colName)} role="columnheader">
            {truncate(label(colLabels, j, m, colName), 18)}
          </span>
        ))}
        {Array.from({ length: n }, (_, i) => (
          <div key={`r${i}`} className="mf-matrix__row" role="row">
            <span className="mf-matrix__rowhead" title={label(rowLabels, i, n, rowName)} role="rowheader">
              {truncate(label(rowLabels, i, n, rowName))}
            </span>
            {Array.from({ length: m }, (_, j) => {
              const v = values[i * m + j]!;
              const color = viridis(scale(v));
              return (
                <span key={j} className="mf-matrix__cell" style={{ background: css(color), color: textOn(color) }} title={`${label(rowLabels, i, n, rowName)} · ${label(colLabels, j, m, colName)}: ${v}`} role="cell" data-testid="matrix-cell">
                  {showText ? (soft ? `${(v * 100).toFixed(0)}%` : formatValue(v)) : ''}
                </span>
              );
            })}
          </div>
        ))}
      </div>
    </section>
  );
}
