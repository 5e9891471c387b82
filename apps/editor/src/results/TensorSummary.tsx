import { useMemo } from 'react';
import type { Tensor } from '@modalflow/core';
import { Histogram } from './Histogram.tsx';
import { firstValues, formatValue, histogram, numericValues, tensorStats } from './stats.ts';

/** Shape, dtype, statistics, a histogram and the first values of one tensor. */
export function TensorSummary({ tensor, bins = 32 }: { tensor: Tensor; bins?: number }) {
  const view = useMemo(() => {
    const values = numericValues(tensor);
    return { stats: values ? tensorStats(values) : null, hist: values ? histogram(values, bins) : null, first: firstValues(tensor, 32) };
  }, [tensor, bins]);
  const { stats } = view;
  return (
    <div className="mf-tensor-summary" data-testid="tensor-summary">
      <div className="mf-tensor-summary__shape">
        <span className="mf-mono">
          {tensor.dtype} [{tensor.dims.join(', ')}]
        </span>
        <span className="mf-muted">{tensor.data.length.toLocaleString()} values</span>
      </div>
      {stats && (
        <dl className="mf-kv" data-testid="tensor-stats">
          <div>
            <dt>min</dt>
            <dd data-testid="stat-min">{formatValue(stats.min)}</dd>
          </div>
          <div>
            <dt>max</dt>
            <dd data-testid="stat-max">{formatValue(stats.max)}</dd>
          </div>
          <div>
            <dt>mean</dt>
            <dd data-testid="stat-mean">{formatValue(stats.mean)}</dd>
          </div>
          <div>
            <dt>std</dt>
            <dd data-testid="stat-std">{formatValue(stats.std)}</dd>
          </div>
          {stats.nan + stats.inf > 0 && (
            <div className="is-bad">
              <dt>NaN / ∞</dt>
              <dd>
                {stats.nan} / {stats.inf}
              </dd>
            </div>
          )}
        </dl>
      )}
      {view.hist && <Histogram bins={view.hist} />}
      <div className="mf-first-values">
        <span className="mf-muted">first values</span>
        <code data-testid="first-values">
          {view.first.join(', ')}
          {tensor.data.length > view.first.length ? ', …' : ''}
        </code>
      </div>
    </div>
  );
}
