import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** Values parallel to the x values; null leaves a gap. */
  values: readonly (number | null)[];
  /** Draw dots: for sparse series such as held-out evaluations. */
  points?: boolean;
}

/**
 * A live line chart on uPlot: made once, then fed new data with setData, which redraws one
 * canvas instead of re-rendering DOM per point, so hundreds of steps a minute cost nothing.
 */
export function Chart({ title, x, series, range, log, testId, height = 120 }: {
  title: string;
  x: readonly number[];
  series: readonly ChartSeries[];
  /** A fixed y range (accuracy in [0, 1]); otherwise it follows the data. */
  range?: [number, number];
  log?: boolean;
  testId: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}:${s.color}:${s.points ? 1 : 0}`).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(160, el.clientWidth),
      height,
      // Not live: values written into the legend on every update would lay the panel out again.
      legend: { show: series.length > 1, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false },
        y: range ? { range: () => range } : log ? { distr: 3 } : { auto: true },
      },
      axes: [
        { size: 24, font: '10px system-ui, sans-serif', stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { show: false } },
        { size: 44, font: '10px system-ui, sans-serif', stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { show: false } },
      ],
      series: [
        { label: 'step' },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: true,
          points: { show: !!s.points, size: 5, fill: s.color },
        })),
      ],
    };
    const u = new uPlot(opts, [[], ...series.map(() => [])], el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(160, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change; data arrives through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, range?.[0], range?.[1], log]);

  useEffect(() => {
    plot.current?.setData([x as number[], ...series.map((s) => s.values as (number | null)[])]);
  }, [x, series]);

  return (
    <figure className="mf-chart" data-testid={testId} data-points={x.length}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="mf-chart__plot" />
    </figure>
  );
}
