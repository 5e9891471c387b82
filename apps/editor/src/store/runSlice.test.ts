import { describe, expect, it } from 'vitest';
import { emptyGraph } from '@modalflow/core';
import type { EngineEvent } from '@modalflow/engine';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { createEditorStore } from './createEditorStore.ts';
import { applyStageEvent, nodeStatesOf, type StageRow } from './runSlice.ts';

const rows: StageRow[] = [
  { id: 's0-image', kind: 'onnx', nodes: ['preprocess', 'patch'], state: 'waiting' },
  { id: 's1-tokenize', kind: 'host', nodes: ['tokenize'], state: 'waiting' },
  { id: 's2-joint', kind: 'onnx', nodes: ['fuse'], state: 'waiting' },
];

const fold = (events: EngineEvent[]) => events.reduce<readonly StageRow[]>((r, e) => applyStageEvent(r, e, 100), rows);

describe('stage progress from engine events', () => {
  it('marks stages running, cached, done with their time and provider', () => {
    const after = fold([
      { type: 'run-start', stages: 3 },
      { type: 'stage-cached', stage: 's0-image', index: 0, total: 3, nodes: ['preprocess', 'patch'] },
      { type: 'stage-start', stage: 's1-tokenize', index: 1, total: 3, nodes: ['tokenize'] },
      { type: 'stage-end', stage: 's1-tokenize', index: 1, total: 3, ms: 3, provider: 'host' },
      { type: 'stage-start', stage: 's2-joint', index: 2, total: 3, nodes: ['fuse'] },
      { type: 'stage-end', stage: 's2-joint', index: 2, total: 3, ms: 12.5, provider: 'webgpu' },
    ]);
    expect(after.map((r) => [r.state, r.provider, r.ms])).toEqual([
      ['cached', 'cache', 0],
      ['done', 'host', 3],
      ['done', 'webgpu', 12.5],
    ]);
    expect(nodeStatesOf(after)).toEqual(new Map([['preprocess', 'cached'], ['patch', 'cached'], ['tokenize', 'done'], ['fuse', 'done']]));
  });

  it('marks the running stage cancelled and keeps later ones waiting', () => {
    const after = fold([
      { type: 'stage-start', stage: 's0-image', index: 0, total: 3, nodes: [] },
      { type: 'cancelled', stage: 's0-image' },
    ]);
    expect(after.map((r) => r.state)).toEqual(['cancelled', 'waiting', 'waiting']);
    expect(after[0]!.ms).toBe(0);
  });

  it('keeps a failed stage’s message; progress events change nothing', () => {
    const failed = fold([{ type: 'stage-failed', stage: 's2-joint', index: 2, error: new Error('RUNTIME_RUN_FAILED: boom') }]);
    expect(failed[2]).toMatchObject({ state: 'failed', error: 'RUNTIME_RUN_FAILED: boom' });
    expect(applyStageEvent(rows, { type: 'progress', done: 1, total: 3 })).toBe(rows);
  });
});

describe('run slice', () => {
  it('keeps inputs, sizes and the provider choice when a new document drops the results', () => {
    const store = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    const s = () => store.getState();
    s().setRunInput('in', { kind: 'tensor', mode: 'random', seed: 4 });
    s().setRunSize('B', 3);
    s().setRunSize('B', 0);
    s().setProviderPref('wasm');
    s().startStages(rows, 'h');
    s().runEvent({ type: 'stage-start', stage: 's0-image', index: 0, total: 3, nodes: [] });
    expect(s().run.nodeStates.get('patch')).toBe('running');
    expect(s().inspectTensor('lin.y')).toBe(true);
    expect(s().inspectTensor('lin.y')).toBe(false);
    s().failRun('cancelled', null, 'Cancelled.');
    expect(s().run).toMatchObject({ status: 'cancelled', message: 'Cancelled.', sizes: { B: 3 } });
    expect(s().run.stages[0]!.state).toBe('cancelled');

    s().replaceDocument(emptyGraph('next'));
    expect(s().run).toMatchObject({ status: 'idle', stages: [], result: null, inspected: [], providerPref: 'wasm', sizes: { B: 3 }, inputs: { in: { kind: 'tensor', mode: 'random', seed: 4 } } });
    expect(s().run.nodeStates.size).toBe(0);
  });

  it('is not part of the undo history', () => {
    const store = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    store.getState().setRunInput('in', { kind: 'text', text: 'x' });
    store.getState().setRunStatus('compiling', 'Compiling…');
    expect(store.temporal.getState().pastStates).toHaveLength(0);
  });

  it('keeps a pixel limit for pictures, ignoring values that are not positive whole numbers', () => {
    const store = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    const s = () => store.getState();
    expect(s().run.maxImagePixels).toBe(89_478_485);
    s().setMaxImagePixels(1_000_000);
    s().setMaxImagePixels(0);
    s().setMaxImagePixels(Number.NaN);
    s().setMaxImagePixels(2.5);
    expect(s().run.maxImagePixels).toBe(1_000_000);
    s().replaceDocument(emptyGraph('next'));
    expect(s().run.maxImagePixels).toBe(1_000_000);
  });
});
