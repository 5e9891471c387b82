import { describe, expect, it, vi } from 'vitest';
import { INITIAL_TRAIN, applyTrainEvent, type TrainRunState } from '../store/trainSlice.ts';
import { EventBatcher, MIN_FLUSH_INTERVAL_MS, applyTrainEvents } from './eventBatch.ts';
import type { TrainWorkerEvent } from './protocol.ts';

const step = (n: number, loss: number, ms = 100): TrainWorkerEvent => ({ type: 'step', step: n, loss, lr: n * 1e-4, gradNorm: 1, examples: 32, ms });
const from: TrainRunState = { ...INITIAL_TRAIN, status: 'preparing' };

describe('worker events applied together', () => {
  it('gives the same state as applying them one by one', () => {
    const events: TrainWorkerEvent[] = [
      { type: 'phase', phase: 'training', message: 'Training…' },
      step(1, 3.5),
      step(2, 3.25, 0),
      { type: 'view', step: 2, matrix: { n: 2, data: Float32Array.of(1, 0, 0, 1) } },
      step(3, 3.0, 50),
      { type: 'eval', step: 3, loss: 2.5, accuracy: 0.5, novel: null, metrics: {}, examples: 64, ms: 10, matrix: null },
      step(4, 2.75),
      { type: 'end', reason: 'stopped', step: 4, seconds: 1.5 },
    ];
    const together = applyTrainEvents(from, events);
    expect(together).toEqual(events.reduce(applyTrainEvent, from));
    expect(together.curves.step).toEqual([1, 2, 3, 4]);
    // The state it started from is left as it was.
    expect(from.curves.step).toEqual([]);
    expect(applyTrainEvents(from, [])).toBe(from);
  });
});

describe('event batcher', () => {
  it('hands steps on together, at most every interval, and an end at once', () => {
    vi.useFakeTimers();
    try {
      const batches: TrainWorkerEvent[][] = [];
      const b = new EventBatcher((es) => batches.push(es));
      b.push(step(1, 3));
      b.push(step(2, 3));
      expect(batches).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(batches.map((es) => es.length)).toEqual([2]);
      b.push(step(3, 3));
      vi.advanceTimersByTime(MIN_FLUSH_INTERVAL_MS / 2);
      expect(batches).toHaveLength(1);
      vi.advanceTimersByTime(MIN_FLUSH_INTERVAL_MS);
      expect(batches.map((es) => es.length)).toEqual([2, 1]);
      b.push(step(4, 3));
      b.push({ type: 'end', reason: 'done', step: 4, seconds: 1 });
      expect(batches.map((es) => es.length)).toEqual([2, 1, 2]);
      b.push(step(5, 3));
      b.clear();
      vi.advanceTimersByTime(10 * MIN_FLUSH_INTERVAL_MS);
      expect(batches).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
