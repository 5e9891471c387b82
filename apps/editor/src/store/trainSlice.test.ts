import { describe, expect, it } from 'vitest';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import type { TrainWorkerEvent } from '../train/protocol.ts';
import { createEditorStore } from './createEditorStore.ts';
import { INITIAL_TRAIN, applyTrainEvent, latest, type TrainRunState } from './trainSlice.ts';

const fold = (events: TrainWorkerEvent[], from: TrainRunState = { ...INITIAL_TRAIN, status: 'preparing' }) => events.reduce(applyTrainEvent, from);

const step = (n: number, loss: number, ms = 100): TrainWorkerEvent => ({ type: 'step', step: n, loss, lr: n * 1e-4, gradNorm: 1, examples: 32, ms });
const evalAt = (n: number, accuracy: number, matrix = true): TrainWorkerEvent => ({
  type: 'eval', step: n, loss: 3 - accuracy, accuracy, novel: null, metrics: { 'contrastive.image_to_text': accuracy }, examples: 256, ms: 40,
  matrix: matrix ? { n: 2, data: Float32Array.of(1, 0, 0, 1) } : null,
});

describe('training progress from worker events', () => {
  it('follows the phases and grows one point per step and per evaluation', () => {
    const t = fold([
      { type: 'phase', phase: 'preparing', message: 'Differentiating the graph…' },
      { type: 'compiled', kind: 'eval', ms: 300, provider: 'wasm' },
      evalAt(0, 0.05),
      { type: 'phase', phase: 'compiling', message: 'Building the train step…' },
      { type: 'compiled', kind: 'step', ms: 2500, provider: 'webgpu' },
      step(1, 3.5),
      { type: 'phase', phase: 'training', message: 'Training…' },
      step(2, 3.25, 50),
      evalAt(2, 0.5, false),
    ]);
    expect(t.status).toBe('training');
    expect(t.provider).toBe('webgpu');
    expect(t.compileMs).toBe(2500);
    expect(t.step).toBe(2);
    expect(t.curves).toEqual({ step: [1, 2], loss: [3.5, 3.25], lr: [1e-4, 2e-4], rate: [320, 640] });
    expect(t.evals).toEqual({ step: [0, 2], loss: [2.95, 2.5], accuracy: [0.05, 0.5], novel: [null, null] });
    // An evaluation without a matrix keeps the last one drawn; the view alone updates it between evaluations.
    expect(t.matrix?.step).toBe(0);
    const viewed = applyTrainEvent(t, { type: 'view', step: 3, matrix: { n: 2, data: Float32Array.of(0, 1, 1, 0) } });
    expect([viewed.matrix?.step, viewed.evals]).toEqual([3, t.evals]);
    expect(latest(t)).toEqual({ loss: 3.25, accuracy: 0.5, novel: null, lr: 2e-4, rate: 480 });
  });

  it('shows a requested pause until the worker reports it, and a stop until the run ends', () => {
    const pausing = fold([{ type: 'phase', phase: 'evaluating', message: 'Evaluating…' }], { ...INITIAL_TRAIN, status: 'pausing' });
    expect([pausing.status, pausing.message]).toEqual(['pausing', 'Evaluating…']);
    expect(fold([{ type: 'phase', phase: 'paused', message: 'Paused at step 4' }], pausing).status).toBe('paused');
    const stopping = fold([{ type: 'phase', phase: 'training', message: 'Training…' }], { ...INITIAL_TRAIN, status: 'stopping' });
    expect(stopping.status).toBe('stopping');
    const ended = fold([{ type: 'end', reason: 'stopped', step: 7, seconds: 3.21 }], stopping);
    expect([ended.status, ended.message]).toEqual(['stopped', 'Stopped at step 7 after 3.2 s']);
  });

  it('keeps the problems of a failed run', () => {
    const t = fold([{ type: 'failed', error: { name: 'ModalflowError', message: 'step 3: the loss is NaN', code: 'MF_TRAIN_NONFINITE', at: { node: 'fc' } } }]);
    expect(t.status).toBe('failed');
    expect(t.problems).toEqual([{ code: 'MF_TRAIN_NONFINITE', message: 'step 3: the loss is NaN', at: { node: 'fc' } }]);
  });

  it('averages examples per second over the last twenty steps', () => {
    const events = Array.from({ length: 30 }, (_, i) => step(i + 1, 1, i < 10 ? 1000 : 100));
    expect(latest(fold(events)).rate).toBe(320);
  });
});

describe('train slice', () => {
  const make = () => createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });

  it('edits settings, and a new run starts with empty curves but the same settings', () => {
    const store = make();
    const s = () => store.getState();
    s().setTrainSettings({ lr: 0.01, steps: 50 });
    s().setWorld({ count: 300, heldOut: ['red-star'] });
    s().setObjective('loss', { on: false, weight: 2 });
    s().trainEvent(step(1, 2));
    expect(s().train.curves.step).toEqual([1]);
    s().trainStarted(50, 'hash');
    expect(s().train).toMatchObject({ status: 'preparing', total: 50, graphHash: 'hash', step: 0, curves: { step: [] }, evals: { step: [] } });
    expect(s().train.settings).toMatchObject({ lr: 0.01, steps: 50, data: { kind: 'world', count: 300, seed: 1, heldOut: ['red-star'] }, objectives: { loss: { on: false, weight: 2 } } });
  });

  it('takes pause and stop requests only while a run is going', () => {
    const store = make();
    const s = () => store.getState();
    s().trainRequested('pausing');
    expect(s().train.status).toBe('idle');
    s().trainStarted(10, 'h');
    s().trainRequested('pausing');
    expect([s().train.status, s().train.message]).toEqual(['pausing', 'Pausing after this step…']);
  });

  it('gives each set of weights a new id; a new document drops them, the run and the objective choices', () => {
    const store = make();
    const s = () => store.getState();
    const tensors = new Map([['fc.weight', { dtype: 'float32' as const, dims: [1], data: Float32Array.of(1) }]]);
    s().setWeights({ name: 'a', origin: 'trained', tensors, step: 3, graphHash: 'h' });
    const first = s().weights!.id;
    s().setWeights({ name: 'b', origin: 'file', tensors, step: null, graphHash: null });
    expect(s().weights!.id).toBeGreaterThan(first);
    s().setTrainSettings({ lr: 0.5 });
    s().setObjective('loss', { on: true, weight: 3 });
    s().setTrainSettings({ init: { name: 'clip.safetensors', lesson: 'examples/linear-probe/clip.safetensors' }, shots: 5 });
    s().trainStarted(10, 'h');
    s().trainEvent({ type: 'init', file: 'clip.safetensors', loaded: ['fc.weight'], seeded: [], unused: [] });
    expect(s().train.init).toEqual({ file: 'clip.safetensors', loaded: ['fc.weight'], seeded: [], unused: [] });
    s().replaceDocument(chainDoc());
    expect(s().weights).toBeNull();
    expect(s().train.status).toBe('idle');
    expect(s().train.settings.lr).toBe(0.5);
    expect(s().train.settings.objectives).toEqual({});
    // Initial weights and few-shot classes belong to the graph they were chosen for.
    expect([s().train.settings.init, s().train.settings.shots, s().train.init]).toEqual([null, 0, null]);
  });
});
