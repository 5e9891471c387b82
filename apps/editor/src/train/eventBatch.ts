import { applyTrainEvent, type TrainRunState } from '../store/trainSlice.ts';
import type { TrainWorkerEvent } from './protocol.ts';

/**
 * The run state after a batch of worker events, in order. Consecutive steps are appended to the
 * curves with one copy per curve rather than one per step: the curves grow for the whole run, and
 * copying them on every step is work (and garbage) that grows with it.
 */
export function applyTrainEvents(t: TrainRunState, events: readonly TrainWorkerEvent[]): TrainRunState {
  let state = t;
  let i = 0;
  while (i < events.length) {
    const e = events[i]!;
    if (e.type !== 'step') {
      state = applyTrainEvent(state, e);
      i++;
      continue;
    }
    let j = i;
    while (j < events.length && events[j]!.type === 'step') j++;
    const steps = events.slice(i, j) as Extract<TrainWorkerEvent, { type: 'step' }>[];
    const c = state.curves;
    state = {
      ...state,
      step: steps[steps.length - 1]!.step,
      curves: {
        step: c.step.concat(steps.map((s) => s.step)),
        loss: c.loss.concat(steps.map((s) => s.loss)),
        lr: c.lr.concat(steps.map((s) => s.lr)),
        rate: c.rate.concat(steps.map((s) => (s.ms > 0 ? (s.examples * 1000) / s.ms : NaN))),
      },
    };
    i = j;
  }
  return state;
}

/**
 * Milliseconds between store updates at most. Each update is one frame that paints (figures,
 * curves, the similarity view), and on a CPU shared with the training worker such a frame often
 * misses the next vsync whatever it paints: at two a second they stay under 5% of the frames, so
 * they do not set the p95 frame time, and the curves still move every few steps.
 */
export const MIN_FLUSH_INTERVAL_MS = 500;

/**
 * Collects the worker's events and hands them on together, at most once per animation frame and
 * no more often than MIN_FLUSH_INTERVAL_MS: each store update re-renders the panel and runs every
 * subscriber of the editor store, so a fast worker must not drive one per step. A timer stands in
 * for the frame when the page is hidden (no frames come then, yet the run must still end).
 */
export class EventBatcher {
  readonly #deliver: (events: TrainWorkerEvent[]) => void;
  #queue: TrainWorkerEvent[] = [];
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #last = -Infinity;

  constructor(deliver: (events: TrainWorkerEvent[]) => void) {
    this.#deliver = deliver;
  }

  push(e: TrainWorkerEvent): void {
    this.#queue.push(e);
    // The end of a run, or a failure, is shown at once: tests and the user wait on it.
    if (e.type === 'end' || e.type === 'failed') {
      this.flush();
      return;
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#frame !== null || this.#timer !== null) return;
    const wait = Math.max(0, this.#last + MIN_FLUSH_INTERVAL_MS - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (typeof requestAnimationFrame !== 'function' || document.hidden) {
        this.flush();
        return;
      }
      this.#frame = requestAnimationFrame(() => {
        this.#frame = null;
        this.flush();
      });
    }, wait);
  }

  /** Delivers what is queued now (before the store is changed by other means, so the order holds). */
  flush(): void {
    this.#cancel();
    if (!this.#queue.length) return;
    const events = this.#queue;
    this.#queue = [];
    this.#last = performance.now();
    this.#deliver(events);
  }

  /** Forgets what is queued: the run it came from is over. */
  clear(): void {
    this.#cancel();
    this.#queue = [];
  }

  #cancel(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
  }
}
