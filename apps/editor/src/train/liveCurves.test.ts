import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { INITIAL_TRAIN, type TrainRunState } from '../store/trainSlice.ts';
import { applyTrainEvents } from './eventBatch.ts';
import { CURVE_CHARTS, LiveCurves, type CurveLine, type FigureSlots } from './liveCurves.ts';
import type { TrainWorkerEvent } from './protocol.ts';

/** Enough of an element for the figures: the text of its <strong>, its data attributes, hidden. */
function fakeElement() {
  const strong = { textContent: '–', writes: 0 };
  const el = {
    dataset: {} as Record<string, string>,
    hidden: false,
    strong,
    querySelector: () =>
      new Proxy(strong, {
        set(target, key, value) {
          if (key === 'textContent') target.writes++;
          return Reflect.set(target, key, value);
        },
      }),
  };
  return el;
}

function setup() {
  const store = createStore<{ train: TrainRunState }>(() => ({ train: { ...INITIAL_TRAIN, status: 'training', total: 100 } }));
  const draws: { key: string; points: number; lines: number }[] = [];
  const made: string[] = [];
  const figures = Object.fromEntries(['step', 'loss', 'accuracy', 'novel', 'lr', 'rate'].map((k) => [k, fakeElement()])) as unknown as Record<keyof FigureSlots, ReturnType<typeof fakeElement>>;
  const boxes = CURVE_CHARTS.map(() => ({ dataset: {} as Record<string, string> }));
  const driver = new LiveCurves({
    store,
    figures: figures as unknown as FigureSlots,
    charts: CURVE_CHARTS.map((chart, i) => ({ chart, box: boxes[i] as unknown as HTMLElement })),
    makePlot: (chart, lines) => {
      made.push(`${chart.key}:${lines.length}`);
      return {
        setData: (x: readonly number[], l: readonly CurveLine[]) => void draws.push({ key: chart.key, points: x.length, lines: l.length }),
        destroy: () => undefined,
      };
    },
  });
  const send = (events: TrainWorkerEvent[]) => store.setState({ train: applyTrainEvents(store.getState().train, events) });
  return { store, driver, draws, made, figures, boxes, send };
}

const step = (n: number): TrainWorkerEvent => ({ type: 'step', step: n, loss: 1 / n, lr: 0.001, gradNorm: 1, examples: 32, ms: 100 });

describe('live curves kept out of React', () => {
  it('draws one update at once, redrawing only the charts whose data changed', () => {
    const s = setup();
    s.driver.start();
    expect(s.made).toEqual(['loss:1', 'accuracy:1', 'lr:1', 'rate:1']);
    expect(s.figures.step.strong.textContent).toBe('0 / 100');
    s.draws.length = 0;
    s.send([step(1), step(2), step(3)]);
    expect(s.figures.step.strong.textContent).toBe('3 / 100');
    expect(s.figures.loss.strong.textContent).toBe((1 / 3).toPrecision(4));
    expect(s.figures.rate.dataset.value).toBe('320');
    // The accuracy chart has no new evaluation, so it is not redrawn.
    expect(s.draws.map((d) => d.key)).toEqual(['loss', 'lr', 'rate']);
    expect(s.boxes[0]!.dataset.points).toBe('3');
    s.draws.length = 0;
    // A change of the run that touches no curve (a settings edit) redraws no chart.
    s.store.setState({ train: { ...s.store.getState().train, message: 'Training…' } });
    expect(s.draws).toEqual([]);
  });

  it('rewrites only text that changed', () => {
    const s = setup();
    s.driver.start();
    s.send([step(1)]);
    const writes = s.figures.lr.strong.writes;
    s.send([step(2)]);
    // The learning rate stayed 0.001: its text is not written again.
    expect(s.figures.lr.strong.writes).toBe(writes);
    expect(s.figures.step.strong.textContent).toBe('2 / 100');
  });

  it('shows the novel-pairs figure and a second accuracy line once a run reports them', () => {
    const s = setup();
    s.driver.start();
    expect(s.figures.novel.hidden).toBe(true);
    s.send([step(1), { type: 'eval', step: 1, loss: 2, accuracy: 0.25, novel: 0.5, metrics: {}, examples: 8, ms: 10, matrix: null }, { type: 'end', reason: 'done', step: 1, seconds: 1 }]);
    expect(s.figures.novel.hidden).toBe(false);
    expect(s.figures.novel.dataset.value).toBe('0.5');
    expect(s.figures.accuracy.strong.textContent).toBe('25.0%');
    expect(s.made).toContain('accuracy:2');
    expect(s.draws.filter((d) => d.key === 'accuracy').at(-1)).toEqual({ key: 'accuracy', points: 1, lines: 2 });
    expect(s.boxes.map((b) => b.dataset.points)).toEqual(['1', '1', '1', '1']);
  });

  it('stops listening when unmounted', () => {
    const s = setup();
    s.driver.start();
    s.driver.stop();
    s.draws.length = 0;
    s.send([step(1)]);
    expect(s.draws).toEqual([]);
    expect(s.figures.step.strong.textContent).toBe('0 / 100');
  });
});
