import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CurveChart, CurveLine, Plot } from './liveCurves.ts';

/**
 * A chart of the Train panel on uPlot, made once per series shape and fed with setData, which
 * redraws one canvas. Its width follows its box through a ResizeObserver, so drawing never reads
 * layout.
 */
export function uplotCurve(box: HTMLElement, chart: CurveChart, lines: readonly CurveLine[]): Plot {
  const opts: uPlot.Options = {
    width: Math.max(160, box.clientWidth),
    height: chart.height,
    // Not live: values written into the legend on every update would lay the panel out again.
    legend: { show: lines.length > 1, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      y: chart.range ? { range: () => chart.range! } : { auto: true },
    },
    axes: [
      { size: 24, font: '10px system-ui, sans-serif', stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { show: false } },
      { size: 44, font: '10px system-ui, sans-serif', stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { show: false } },
    ],
    series: [
      { label: 'step' },
      ...lines.map((l) => ({
        label: l.label,
        stroke: l.color,
        width: 1.5,
        spanGaps: true,
        points: { show: !!l.points, size: 5, fill: l.color },
      })),
    ],
  };
  const u = new uPlot(opts, [[], ...lines.map(() => [])], box);
  let width = opts.width;
  const observer = new ResizeObserver((entries) => {
    const w = Math.max(160, Math.round(entries[0]!.contentRect.width));
    if (w !== width) u.setSize({ width: (width = w), height: chart.height });
  });
  observer.observe(box);
  return {
    setData(x, series) {
      // uPlot keeps the arrays it is given and never writes to them; the store's arrays are immutable.
      u.setData([x as number[], ...series.map((l) => l.values as (number | null)[])]);
    },
    destroy() {
      observer.disconnect();
      u.destroy();
    },
  };
}
