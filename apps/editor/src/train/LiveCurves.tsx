import { useEffect, useRef } from 'react';
import { useEditorApi } from '../app/context.tsx';
import { CURVE_CHARTS, LiveCurves as Driver, type FigureSlots } from './liveCurves.ts';
import { uplotCurve } from './uplotCurve.ts';

const FIGURES: { key: keyof FigureSlots; label: string; testId: string }[] = [
  { key: 'step', label: 'step', testId: 'train-step' },
  { key: 'loss', label: 'loss', testId: 'train-loss' },
  { key: 'accuracy', label: 'held-out accuracy', testId: 'train-accuracy' },
  { key: 'novel', label: 'novel pairs', testId: 'train-novel' },
  { key: 'lr', label: 'learning rate', testId: 'train-lr-now' },
  { key: 'rate', label: 'examples/s', testId: 'train-rate' },
];

const TITLES: Record<string, string> = {
  loss: 'Training loss',
  accuracy: 'Held-out accuracy (image → text retrieval or class accuracy)',
  lr: 'Learning rate',
  rate: 'Examples per second',
};

/**
 * The run's live numbers and curves. React renders this once; from then on the store reaches
 * the page through liveCurves.ts, which rewrites text and redraws charts without a render.
 */
export function LiveCurves() {
  const editor = useEditorApi();
  const figures = useRef<Partial<Record<keyof FigureSlots, HTMLElement | null>>>({});
  const boxes = useRef<Record<string, HTMLElement | null>>({});
  const plots = useRef<Record<string, HTMLElement | null>>({});

  useEffect(() => {
    const driver = new Driver({
      store: editor,
      figures: figures.current as FigureSlots,
      charts: CURVE_CHARTS.map((chart) => ({ chart, box: boxes.current[chart.key]! })),
      makePlot: (chart, lines) => uplotCurve(plots.current[chart.key]!, chart, lines),
    });
    driver.start();
    return () => driver.stop();
  }, [editor]);

  return (
    <div className="mf-train__curves">
      <div className="mf-train__figures">
        {FIGURES.map((f) => (
          <div key={f.key} ref={(el) => void (figures.current[f.key] = el)} className="mf-train__figure" data-testid={f.testId} data-value="" hidden={f.key === 'novel'}>
            <span>{f.label}</span>
            <strong>–</strong>
          </div>
        ))}
      </div>
      {CURVE_CHARTS.map((c) => (
        <figure key={c.key} ref={(el) => void (boxes.current[c.key] = el)} className="mf-chart" data-testid={`chart-${c.key}`} data-points="0">
          <figcaption>{TITLES[c.key]}</figcaption>
          <div ref={(el) => void (plots.current[c.key] = el)} className="mf-chart__plot" />
        </figure>
      ))}
    </div>
  );
}
