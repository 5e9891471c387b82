import { describe, expect, it, vi } from 'vitest';
import { ModalflowError, emptyGraph, serializeGraph } from '@modalflow/core';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { createEditorStore } from './createEditorStore.ts';
import { attachAutosave, readAutosave } from './autosave.ts';

const registry = fixtureRegistry();
const make = (doc = chainDoc()) => createEditorStore({ registry, doc });
const pastCount = (store: ReturnType<typeof make>) => store.temporal.getState().pastStates.length;

describe('editor store: building a graph', () => {
  it('adds nodes with fresh ids and their params written out', () => {
    const store = make(emptyGraph());
    const a = store.getState().addNode('layer.fx_linear', { x: 10.4, y: 20 });
    const b = store.getState().addNode('layer.fx_linear', { x: 0, y: 0 });
    expect([a, b]).toEqual(['fx_linear', 'fx_linear_2']);
    const node = store.getState().nodeIndex.get(a)!;
    expect(node).toMatchObject({ type: 'layer.fx_linear', typeVersion: 1, params: { out: 4 }, ui: { x: 10, y: 20 } });
    expect([...store.getState().selectedNodes]).toEqual([b]);
  });

  it('connects compatible ports and labels the edge with its shape', () => {
    const store = make();
    const s = store.getState();
    expect(s.edgeViews.get('in.value->lin.x')).toMatchObject({ shape: 'B×8', problem: null });
    expect(s.edgeViews.get('lin.y->out.value')).toMatchObject({ shape: 'B×4' });
    expect(s.nodeViews.get('lin')).toMatchObject({ ok: true, paramCount: 32, flops: 64 });
  });

  it('refuses a shape mismatch with core\'s reason and records nothing', () => {
    const store = make();
    store.getState().addNode('layer.fx_vec3', { x: 0, y: 200 });
    const before = store.getState().doc;
    const steps = pastCount(store);
    const r = store.getState().connect({ from: ['in', 'value'], to: ['fx_vec3', 'x'] });
    expect(r).toMatchObject({ ok: false, code: 'MF_SHAPE_MISMATCH' });
    expect(!r.ok && r.message).toContain('must be 3, got 8');
    expect(store.getState().doc).toBe(before);
    expect(pastCount(store)).toBe(steps);
  });

  it('refuses dtype and rank mismatches and cycles', () => {
    const store = make();
    store.getState().setParam('in', 'dtype', 'int64');
    expect(store.getState().connect({ from: ['in', 'value'], to: ['lin', 'x'] })).toMatchObject({ ok: true });
    // The existing edge now carries int64 into a float32 port: the analysis flags it on the edge.
    expect(store.getState().edgeViews.get('in.value->lin.x')?.problem?.code).toBe('MF_DTYPE_MISMATCH');
    store.getState().addNode('input.fx', { x: 0, y: 100 });
    store.getState().setParam('fx', 'dtype', 'int64');
    const dtype = store.getState().connect({ from: ['fx', 'value'], to: ['lin', 'x'] });
    expect(dtype).toMatchObject({ ok: false, code: 'MF_DTYPE_MISMATCH' });
    store.getState().addNode('encoder.fx_seq', { x: 0, y: 0 });
    expect(store.getState().connect({ from: ['lin', 'y'], to: ['fx_seq', 'x'] })).toMatchObject({ ok: false, code: 'MF_SHAPE_MISMATCH' });
    store.getState().addNode('layer.fx_vec3', { x: 0, y: 0 });
    store.getState().addNode('layer.fx_vec3', { x: 0, y: 0 });
    expect(store.getState().connect({ from: ['fx_vec3', 'y'], to: ['fx_vec3_2', 'x'] }).ok).toBe(true);
    expect(store.getState().connect({ from: ['fx_vec3_2', 'y'], to: ['fx_vec3', 'x'] })).toMatchObject({ ok: false, code: 'MF_CYCLE' });
  });

  it('judges by templates while the source shape is unknown', () => {
    const store = make(emptyGraph());
    store.getState().addNode('encoder.fx_seq', { x: 0, y: 0 });
    store.getState().addNode('layer.fx_vec3', { x: 0, y: 0 });
    const r = store.getState().connect({ from: ['fx_seq', 'y'], to: ['fx_vec3', 'x'] });
    expect(r).toMatchObject({ ok: false, code: 'MF_SHAPE_MISMATCH' });
  });

  it('replaces the edge already feeding an input port', () => {
    const store = make();
    store.getState().addNode('input.fx', { x: 0, y: 100 });
    const r = store.getState().connect({ from: ['fx', 'value'], to: ['lin', 'x'] });
    expect(r.ok && r.replaced).toEqual({ from: ['in', 'value'], to: ['lin', 'x'] });
    expect(store.getState().doc.edges.filter((e) => e.to[0] === 'lin')).toEqual([{ from: ['fx', 'value'], to: ['lin', 'x'] }]);
  });

  it('adds a node and wires it in one step', () => {
    const store = make();
    const steps = pastCount(store);
    const { id, result } = store.getState().addAndConnect('layer.fx_linear', { x: 400, y: 100 }, { node: 'lin', port: 'y', side: 'source' }, 'x');
    expect(result.ok).toBe(true);
    expect(store.getState().edgeViews.get(`lin.y->${id}.x`)?.shape).toBe('B×4');
    expect(pastCount(store)).toBe(steps + 1);
    store.getState().undo();
    expect(store.getState().nodeIndex.has(id)).toBe(false);
  });

  it('deletes the selection with its edges as one undoable step', () => {
    const store = make();
    store.getState().select(['lin']);
    store.getState().deleteSelection();
    expect(store.getState().doc.nodes.map((n) => n.id)).toEqual(['in', 'out']);
    expect(store.getState().doc.edges).toEqual([]);
    store.getState().undo();
    expect(store.getState().doc).toEqual(chainDoc());
  });
});

describe('editor store: history', () => {
  it('undoes and redoes parameter changes, with shapes following', () => {
    const store = make();
    store.getState().setParam('lin', 'out', 16);
    expect(store.getState().edgeViews.get('lin.y->out.value')?.shape).toBe('B×16');
    store.getState().undo();
    expect(store.getState().doc.nodes[1]!.params['out']).toBe(4);
    expect(store.getState().edgeViews.get('lin.y->out.value')?.shape).toBe('B×4');
    store.getState().redo();
    expect(store.getState().edgeViews.get('lin.y->out.value')?.shape).toBe('B×16');
  });

  it('keeps unchanged node views identical so their components skip rendering', () => {
    const store = make();
    const inView = store.getState().nodeViews.get('in');
    const linView = store.getState().nodeViews.get('lin');
    store.getState().setParam('lin', 'out', 16);
    expect(store.getState().nodeViews.get('in')).toBe(inView);
    expect(store.getState().nodeViews.get('lin')).not.toBe(linView);
  });

  it('records a whole drag as one step', () => {
    const store = make();
    const steps = pastCount(store);
    for (let i = 1; i <= 30; i++) store.getState().dragTo({ lin: { x: 200 + i, y: i } });
    expect(pastCount(store)).toBe(steps);
    expect(store.getState().doc.nodes[1]!.ui).toEqual({ x: 200, y: 0 });
    store.getState().endDrag();
    expect(store.getState().doc.nodes[1]!.ui).toEqual({ x: 230, y: 30 });
    expect(store.getState().isDragging()).toBe(false);
    expect(pastCount(store)).toBe(steps + 1);
    store.getState().undo();
    expect(store.getState().doc.nodes[1]!.ui).toEqual({ x: 200, y: 0 });
  });

  it('opening a document is undoable, and view state is not history', () => {
    const store = make();
    store.getState().select(['lin']);
    store.getState().replaceDocument(emptyGraph('other'), 'other.json');
    expect(store.getState().doc.nodes).toEqual([]);
    store.getState().undo();
    expect(store.getState().doc).toEqual(chainDoc());
    expect(store.temporal.getState().pastStates.length).toBe(0);
  });
});

describe('editor store: clipboard', () => {
  it('copies the selected subgraph as a graph document and pastes it with fresh ids', () => {
    const store = make();
    store.getState().select(['in', 'lin']);
    const text = store.getState().copySelection()!;
    const clip = JSON.parse(text);
    expect(clip.format).toBe('modalflow.graph');
    expect(clip.nodes.map((n: { id: string }) => n.id)).toEqual(['in', 'lin']);
    expect(clip.edges).toEqual([{ from: ['in', 'value'], to: ['lin', 'x'] }]);

    const first = store.getState().pasteText(text);
    const second = store.getState().pasteText(text, { x: 1000, y: 1000 });
    expect(first).toEqual(['in_2', 'lin_2']);
    expect(second).toEqual(['in_3', 'lin_3']);
    const doc = store.getState().doc;
    expect(doc.edges).toContainEqual({ from: ['in_2', 'value'], to: ['lin_2', 'x'] });
    expect(doc.nodes.find((n) => n.id === 'lin_2')!.ui).toEqual({ x: 240, y: 40 });
    expect(doc.nodes.find((n) => n.id === 'in_3')!.ui).toEqual({ x: 1000, y: 1000 });
    expect([...store.getState().selectedNodes]).toEqual(['in_3', 'lin_3']);
    expect(store.getState().edgeViews.get('lin_2.y->out.value')).toBeUndefined();
    expect(store.getState().nodeViews.get('lin_3')?.ok).toBe(true);
  });

  it('rejects text that is not a graph and leaves the document alone', () => {
    const store = make();
    const before = store.getState().doc;
    expect(() => store.getState().pasteText('hello')).toThrow(ModalflowError);
    expect(() => store.getState().pasteText('{"format":"modalflow.graph","version":1,"nodes":[{"id":"a.b"}]}')).toThrow(/MF_SCHEMA/);
    expect(store.getState().doc).toBe(before);
  });
});

describe('autosave', () => {
  it('writes after changes settle and reads back the identical document', () => {
    vi.useFakeTimers();
    try {
      const storage = new Map<string, string>();
      const fake = { setItem: (k: string, v: string) => void storage.set(k, v), getItem: (k: string) => storage.get(k) ?? null };
      const store = make();
      const autosave = attachAutosave(store, fake, { delayMs: 100 });
      store.getState().setParam('lin', 'out', 12);
      store.getState().moveNodes({ out: { x: 500, y: 10 } });
      expect(storage.size).toBe(0);
      vi.advanceTimersByTime(100);
      const restored = readAutosave(fake)!;
      expect(restored).toEqual(store.getState().doc);
      expect(serializeGraph(restored)).toBe(serializeGraph(store.getState().doc));
      store.getState().setMeta({ title: 'crash test' });
      autosave.flush();
      expect(readAutosave(fake)!.meta.title).toBe('crash test');
      autosave.detach();
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores an autosave that no longer loads', () => {
    expect(readAutosave({ getItem: () => '{"format":"nope"}' })).toBeNull();
    expect(readAutosave({ getItem: () => null })).toBeNull();
  });
});
