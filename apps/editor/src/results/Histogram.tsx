import type { Histogram as Bins } from './stats.ts';
import { formatValue } from './stats.ts';

/** Bars of a histogram as SVG; the axis shows the range and the tallest bin's count. */
export function Histogram({ bins, height = 72 }: { bins: Bins; height?: number }) {
  const max = Math.max(1, ...bins.counts);
  const n = bins.counts.length;
  if (!n) return <p className="mf-muted">No finite values to bin.</p>;
  return (
    <figure className="mf-histogram" data-testid="histogram">
      <svg viewBox={`0 0 ${n} ${height}`} preserveAspectRatio="none" role="img" aria-label={`Histogram of ${n} bins from ${formatValue(bins.lo)} to ${formatValue(bins.hi)}`}>
        {bins.counts.map((c, i) => {
          const h = c ? Math.max(1, (c / max) * height) : 0;
          return (
            <rect key={i} x={i + 0.08} width={0.84} y={height - h} height={h}>
              <title>{`${formatValue(bins.lo + ((bins.hi - bins.lo) * i) / n)} … ${formatValue(bins.lo + ((bins.hi - bins.lo) * (i + 1)) / n)}: ${c}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>
        <span>{formatValue(bins.lo)}</span>
        <span className="mf-muted">max bin {max.toLocaleString()}</span>
        <span>{formatValue(bins.hi)}</span>
      </figcaption>
    </figure>
  );
}
