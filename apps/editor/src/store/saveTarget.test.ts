import { describe, expect, it } from 'vitest';
import { NodeRegistry, defineNode, emptyGraph, int, tensor } from '@modalflow/core';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { createEditorStore, setSaveName } from './createEditorStore.ts';

const registry = fixtureRegistry();

describe('the save target follows the document', () => {
  it('brings the file name back with the graph on undo, and names every step of one document on save', () => {
    const store = createEditorStore({ registry, doc: chainDoc() });
    store.getState().setParam('lin', 'out', 6);
    setSaveName(store, 'mine.json');
    store.getState().setParam('lin', 'out', 7);
    store.getState().replaceDocument(emptyGraph('Other'), null, 'examples/other/graph.json');
    expect(store.getState()).toMatchObject({ fileName: null, source: 'examples/other/graph.json' });
    setSaveName(store, 'other.json');

    store.getState().undo();
    expect(store.getState().doc.meta.title).toBe('chain');
    expect(store.getState().fileName).toBe('mine.json');
    // Saved after this edit was made, the earlier step of the same document still saves to mine.json.
    store.getState().undo();
    expect(store.getState().fileName).toBe('mine.json');
    store.getState().redo();
    store.getState().redo();
    expect(store.getState().doc.meta.title).toBe('Other');
    expect(store.getState().fileName).toBe('other.json');
  });

  it('marks the branch a replaced wire leaves feeding nothing, until it is wired again', () => {
    const store = createEditorStore({ registry, doc: chainDoc() });
    const s = store.getState();
    const other = s.addNode('layer.fx_linear', { x: 0, y: 300 });
    expect(store.getState().connect({ from: ['in', 'value'], to: [other, 'x'] }).ok).toBe(true);
    // `other` takes the output's wire: `lin` now feeds nothing.
    const result = store.getState().connect({ from: [other, 'y'], to: ['out', 'value'] });
    expect(result.ok && result.replaced).toEqual({ from: ['lin', 'y'], to: ['out', 'value'] });
    expect([...store.getState().orphans]).toEqual(['lin']);
    // Wiring the branch again takes the mark away; so does deleting it.
    expect(store.getState().connect({ from: ['lin', 'y'], to: [other, 'x'] }).ok).toBe(true);
    expect([...store.getState().orphans]).toEqual([]);
    expect(store.getState().connect({ from: ['in', 'value'], to: [other, 'x'] }).ok).toBe(true);
    expect([...store.getState().orphans]).toEqual(['lin']);
    store.getState().removeElements(['lin']);
    expect([...store.getState().orphans]).toEqual([]);
  });

  it('keeps the marks in undo history: undo takes them away with the wire, redo brings them back', () => {
    const store = createEditorStore({ registry, doc: chainDoc() });
    const other = store.getState().addNode('layer.fx_linear', { x: 0, y: 300 });
    expect(store.getState().connect({ from: ['in', 'value'], to: [other, 'x'] }).ok).toBe(true);
    expect(store.getState().connect({ from: [other, 'y'], to: ['out', 'value'] }).ok).toBe(true);
    expect([...store.getState().orphans]).toEqual(['lin']);
    store.getState().undo();
    expect(store.getState().doc.edges).toContainEqual({ from: ['lin', 'y'], to: ['out', 'value'] });
    expect([...store.getState().orphans]).toEqual([]);
    store.getState().redo();
    expect(store.getState().doc.edges).toContainEqual({ from: [other, 'y'], to: ['out', 'value'] });
    expect([...store.getState().orphans]).toEqual(['lin']);
    // Deleting the marked branch, undone, brings the branch back marked; redone, both go.
    store.getState().removeElements(['lin']);
    expect([...store.getState().orphans]).toEqual([]);
    store.getState().undo();
    expect([...store.getState().orphans]).toEqual(['lin']);
    store.getState().redo();
    expect(store.getState().nodeIndex.has('lin')).toBe(false);
    expect([...store.getState().orphans]).toEqual([]);
  });
});

describe('loading a document', () => {
  it('migrates node params to the registered type version when the document opens', () => {
    const scaled = defineNode({
      type: 'layer.fx_scaled', version: 2, category: 'layers', title: 'Scaled',
      inputs: { x: tensor('float32', ['B', 8]) }, outputs: { y: tensor('float32', ['B', 8]) },
      params: { factor: int({ default: 1 }) },
      migrations: [{ from: 1, up: ({ k, ...rest }) => ({ ...rest, factor: k }) }],
      lower: ({ x }) => ({ y: x['x']! }),
    });
    const withScaled = new NodeRegistry([...registry.list(), scaled]);
    const old = { ...emptyGraph('old'), nodes: [{ id: 's', type: 'layer.fx_scaled', typeVersion: 1, params: { k: 3 } }] };
    const store = createEditorStore({ registry: withScaled, doc: old });
    expect(store.getState().doc.nodes[0]).toMatchObject({ typeVersion: 2, params: { factor: 3 } });
    store.getState().replaceDocument(old, 'old.json');
    expect(store.getState().doc.nodes[0]).toMatchObject({ typeVersion: 2, params: { factor: 3 } });
  });
});
