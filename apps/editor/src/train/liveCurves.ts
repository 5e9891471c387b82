import type { TrainRunState } from '../store/trainSlice.ts';
import { latest } from '../store/trainSlice.ts';

/** One line of a chart: its values run parallel to the chart's x values; null leaves a gap. */
export interface CurveLine {
  label: string;
  color: string;
  values: readonly (number | null)[];
  /** Dots for sparse series such as held-out evaluations. */
  points?: boolean;
}

export interface CurveChart {
  key: string;
  /** A fixed y range (accuracy in [0, 1]); otherwise it follows the data. */
  range?: [number, number];
  height: number;
  x(t: TrainRunState): readonly number[];
  lines(t: TrainRunState): readonly CurveLine[];
}

/** What draws one chart: uPlot in the page, a recorder in tests. */
export interface Plot {
  setData(x: readonly number[], lines: readonly CurveLine[]): void;
  destroy(): void;
}

export type PlotFactory = (chart: CurveChart, lines: readonly CurveLine[]) => Plot;

/** The text beside the charts: written straight into these elements, never through a render. */
export interface FigureSlots {
  step: HTMLElement;
  loss: HTMLElement;
  accuracy: HTMLElement;
  novel: HTMLElement;
  lr: HTMLElement;
  rate: HTMLElement;
}

interface TrainStore {
  getState(): { train: TrainRunState };
  subscribe(listener: (s: { train: TrainRunState }, prev: { train: TrainRunState }) => void): () => void;
}

const hasNovel = (t: TrainRunState) => t.evals.novel.some((v) => v !== null);

export const CURVE_CHARTS: readonly CurveChart[] = [
  { key: 'loss', height: 120, x: (t) => t.curves.step, lines: (t) => [{ label: 'train loss', color: '#2f6fed', values: t.curves.loss }] },
  {
    key: 'accuracy',
    height: 120,
    range: [0, 1],
    x: (t) => t.evals.step,
    lines: (t) => [
      { label: 'held-out', color: '#14a37f', values: t.evals.accuracy, points: true },
      ...(hasNovel(t) ? [{ label: 'novel pairs', color: '#d9480f', values: t.evals.novel, points: true }] : []),
    ],
  },
  { key: 'lr', height: 90, x: (t) => t.curves.step, lines: (t) => [{ label: 'learning rate', color: '#7048e8', values: t.curves.lr }] },
  { key: 'rate', height: 90, x: (t) => t.curves.step, lines: (t) => [{ label: 'examples/s', color: '#868e96', values: t.curves.rate }] },
];

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 4) => (v === null || !Number.isFinite(v) ? '–' : v.toPrecision(digits));
const shapeOf = (lines: readonly CurveLine[]) => lines.map((l) => `${l.label}:${l.color}:${l.points ? 1 : 0}`).join('|');

function write(el: HTMLElement, text: string, raw: number | null): void {
  const value = el.querySelector('strong') ?? el;
  // The text node keeps its place and only its characters change: textContent would remove it
  // and insert a new one, which the browser lays out and paints as a new box. Unchanged text is
  // left alone: writing it still marks the box for layout and paint.
  const node = value.firstChild;
  if (node && node.nodeType === 3 && !node.nextSibling) {
    if (node.nodeValue !== text) node.nodeValue = text;
  } else if (value.textContent !== text) value.textContent = text;
  const data = raw === null ? '' : String(raw);
  if (el.dataset.value !== data) el.dataset.value = data;
}

interface Slot {
  chart: CurveChart;
  box: HTMLElement;
  plot: Plot | null;
  shape: string;
  /** The x array last drawn, by identity: the store replaces the arrays when steps arrive. */
  drawn: readonly number[] | null;
  drawnLines: readonly (readonly (number | null)[])[];
}

/**
 * The live figures and curves of a run, kept out of React: the store is read through a
 * subscription and the page is changed only where a value changed, so an update costs the text it
 * rewrites and the canvases it redraws, not a render of the panel. Everything is drawn inside the
 * store update, which the event batcher delivers in an animation frame at most four times a
 * second: one frame carries all of it. Spreading the charts over the next frames was tried and
 * was worse: on a CPU shared with the training worker and other programs a frame that paints at
 * all waits for a core, whatever it paints, so the number of frames that paint is what counts.
 */
export class LiveCurves {
  readonly #store: TrainStore;
  readonly #figures: FigureSlots;
  readonly #slots: Slot[];
  readonly #make: PlotFactory;
  #unsubscribe: (() => void) | null = null;

  constructor(opts: { store: TrainStore; figures: FigureSlots; charts: { chart: CurveChart; box: HTMLElement }[]; makePlot: PlotFactory }) {
    this.#store = opts.store;
    this.#figures = opts.figures;
    this.#make = opts.makePlot;
    this.#slots = opts.charts.map(({ chart, box }) => ({ chart, box, plot: null, shape: '', drawn: null, drawnLines: [] }));
  }

  start(): void {
    // Drawn in full once, at mount: the panel may open on a run that is already going.
    this.flush();
    this.#unsubscribe = this.#store.subscribe((s, prev) => {
      if (s.train !== prev.train) this.flush();
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    for (const slot of this.#slots) slot.plot?.destroy();
    for (const slot of this.#slots) slot.plot = null;
  }

  /** Writes the figures and redraws the charts whose data changed since they were last drawn. */
  flush(): void {
    this.#drawFigures();
    for (const slot of this.#slots) if (this.#stale(slot)) this.#drawChart(slot);
  }

  #stale(slot: Slot): boolean {
    if (!slot.plot) return true;
    const t = this.#store.getState().train;
    if (slot.drawn !== slot.chart.x(t)) return true;
    const lines = slot.chart.lines(t);
    return lines.length !== slot.drawnLines.length || lines.some((l, i) => l.values !== slot.drawnLines[i]);
  }

  #drawFigures(): void {
    const t = this.#store.getState().train;
    const now = latest(t);
    const f = this.#figures;
    write(f.step, `${t.step} / ${t.total || t.settings.steps}`, t.step);
    write(f.loss, num(now.loss), now.loss);
    write(f.accuracy, pct(now.accuracy), now.accuracy);
    const novel = hasNovel(t);
    if (f.novel.hidden === novel) f.novel.hidden = !novel;
    write(f.novel, pct(now.novel), now.novel);
    write(f.lr, num(now.lr, 3), now.lr);
    write(f.rate, now.rate === null ? '–' : now.rate.toFixed(0), now.rate);
  }

  #drawChart(slot: Slot): void {
    const t = this.#store.getState().train;
    const x = slot.chart.x(t);
    const lines = slot.chart.lines(t);
    const shape = shapeOf(lines);
    if (!slot.plot || slot.shape !== shape) {
      slot.plot?.destroy();
      slot.plot = this.#make(slot.chart, lines);
      slot.shape = shape;
    }
    slot.plot.setData(x, lines);
    slot.drawn = x;
    slot.drawnLines = lines.map((l) => l.values);
    const points = String(x.length);
    if (slot.box.dataset.points !== points) slot.box.dataset.points = points;
  }
}
