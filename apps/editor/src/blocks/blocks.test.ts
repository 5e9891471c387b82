import { describe, expect, it } from 'vitest';
import { emptyGraph, serializeBlockLibrary, sha256Hex, type GraphDoc } from '@modalflow/core';
import { fixtureRegistry } from '../test/fixtures.ts';
import { createEditorStore } from '../store/createEditorStore.ts';
import { INPUTS_ID, OUTPUTS_ID } from './blockView.ts';

const registry = fixtureRegistry();

/** in -> a -> b -> out, two linears to collapse into a block. */
function twoLayers(): GraphDoc {
  return {
    ...emptyGraph('two'),
    nodes: [
      { id: 'in', type: 'input.fx', typeVersion: 1, params: {}, ui: { x: 0, y: 0 } },
      { id: 'a', type: 'layer.fx_linear', typeVersion: 1, params: { out: 6 }, ui: { x: 200, y: 0 } },
      { id: 'b', type: 'layer.fx_linear', typeVersion: 1, params: { out: 5 }, ui: { x: 400, y: 0 } },
      { id: 'out', type: 'output.fx', typeVersion: 1, params: {}, ui: { x: 600, y: 0 } },
    ],
    edges: [
      { from: ['in', 'value'], to: ['a', 'x'] },
      { from: ['a', 'y'], to: ['b', 'x'] },
      { from: ['b', 'y'], to: ['out', 'value'] },
    ],
  };
}

function withBlock() {
  const store = createEditorStore({ registry, doc: twoLayers() });
  store.getState().select(['a', 'b']);
  expect(store.getState().makeBlock('pair')).toBe('pair');
  return store;
}

describe('blocks in the editor', () => {
  it('make a block from a selection: crossing wires become its ports, one undo step', () => {
    const store = withBlock();
    const s = store.getState();
    expect(s.doc.blocks!['pair']).toMatchObject({
      inputs: { x: { to: [['a', 'x']] } },
      outputs: { y: { from: ['b', 'y'] } },
      edges: [{ from: ['a', 'y'], to: ['b', 'x'] }],
    });
    expect(s.doc.nodes.map((n) => n.id)).toEqual(['in', 'pair', 'out']);
    expect(s.doc.edges).toEqual([
      { from: ['in', 'value'], to: ['pair', 'x'] },
      { from: ['pair', 'y'], to: ['out', 'value'] },
    ]);
    expect(s.analysis.problems).toEqual([]);
    expect(s.edgeViews.get('pair.y->out.value')).toMatchObject({ shape: 'B×5' });
    expect(s.nodeViews.get('pair')).toMatchObject({ ok: true, paramCount: 8 * 6 + 6 * 5 });
    expect(Object.keys(s.viewAnalysis.nodes.get('pair')!.weights)).toEqual(['pair.a.weight', 'pair.b.weight']);
    expect([...s.selectedNodes]).toEqual(['pair']);
    expect(s.types.get('block:pair')!.category).toBe('blocks');
    s.undo();
    expect(store.getState().doc).toEqual(twoLayers());
  });

  it('a second instance, an edit inside the block reaching both, and undo', () => {
    const store = withBlock();
    const second = store.getState().addNode('block:pair', { x: 300, y: 200 });
    store.getState().connect({ from: ['pair', 'y'], to: [second, 'x'] });
    store.getState().connect({ from: [second, 'y'], to: ['out', 'value'] });
    expect(store.getState().analysis.problems).toEqual([]);

    store.getState().openBlock('pair');
    let s = store.getState();
    expect(s.view.nodes.map((n) => n.id)).toEqual([INPUTS_ID, 'a', 'b', OUTPUTS_ID]);
    expect(s.edgeViews.get('a.y->b.x')).toMatchObject({ shape: 'B×6' });
    s.setParam('b', 'out', 7);
    s = store.getState();
    // The first instance feeds the second: both now give 7 features.
    expect(s.doc.blocks!['pair']!.nodes[1]!.params['out']).toBe(7);
    expect(s.analysis.nodes.get('pair.b')!.outputShapes['y']).toEqual(['B', 7]);
    expect(s.analysis.nodes.get(`${second}.b`)!.outputShapes['y']).toEqual(['B', 7]);
    s.undo();
    expect(store.getState().doc.blocks!['pair']!.nodes[1]!.params['out']).toBe(5);
    expect(store.getState().analysis.problems).toEqual([]);
    store.getState().openBlock(null);
    expect(store.getState().view).toBe(store.getState().doc);
  });

  it('wiring and deleting inside a block rewrite its definition', () => {
    const store = withBlock();
    store.getState().openBlock('pair');
    store.getState().removeElements([], ['@inputs.x->a.x']);
    expect(store.getState().doc.blocks!['pair']!.inputs['x']!.to).toEqual([]);
    expect(store.getState().analysis.problems.map((p) => p.code)).toContain('MF_BLOCK_PORT_UNCONNECTED');
    const r = store.getState().connect({ from: [INPUTS_ID, 'x'], to: ['a', 'x'] });
    expect(r.ok).toBe(true);
    expect(store.getState().doc.blocks!['pair']!.inputs['x']!.to).toEqual([['a', 'x']]);
    store.getState().moveNodes({ [OUTPUTS_ID]: { x: 900, y: 40 } });
    expect(store.getState().doc.blocks!['pair']!.ui).toMatchObject({ outputs: { x: 900, y: 40 } });
  });

  it('undoing the block closes its view', () => {
    const store = withBlock();
    store.getState().openBlock('pair');
    store.getState().undo();
    expect(store.getState().scope).toBe(null);
    expect(store.getState().view.nodes.map((n) => n.id)).toEqual(['in', 'a', 'b', 'out']);
  });

  it('imports a library file, pinning it, so another graph can use its blocks', () => {
    const source = withBlock();
    const text = serializeBlockLibrary({ pair: source.getState().doc.blocks!['pair']! });
    const store = createEditorStore({ registry, doc: emptyGraph() });
    store.getState().importLibrary('pair.blocks.json', text);
    expect(store.getState().doc.blockLibraries).toEqual([{ uri: 'pair.blocks.json', sha256: sha256Hex(text) }]);
    expect(store.getState().types.get('block:pair')).toBeDefined();
    const input = store.getState().addNode('input.fx', { x: 0, y: 0 });
    const id = store.getState().addNode('block:pair', { x: 300, y: 0 });
    expect(store.getState().connect({ from: [input, 'value'], to: [id, 'x'] }).ok).toBe(true);
    expect(store.getState().analysis.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(store.getState().nodeViews.get(id)).toMatchObject({ ok: true, paramCount: 8 * 6 + 6 * 5 });
    // Another file under the pinned name is refused.
    store.getState().importLibrary('pair.blocks.json', text.replace('"out": 5', '"out": 9'));
    expect(store.getState().analysis.problems.map((p) => p.code)).toContain('MF_BLOCK_FILE_HASH');
  });
});

describe('block params in the editor', () => {
  it('exposes an inner param to instances, each setting its own value', () => {
    const store = withBlock();
    const second = store.getState().addNode('block:pair', { x: 300, y: 200 });
    store.getState().connect({ from: ['pair', 'y'], to: [second, 'x'] });
    store.getState().openBlock('pair');
    expect(store.getState().exposeParam('a', 'out')).toBe('out');
    const block = store.getState().doc.blocks!['pair']!;
    expect(block.params['out']).toMatchObject({ kind: 'int', default: 6, min: 1 });
    expect(block.nodes[0]).toMatchObject({ bind: { out: 'out' }, params: {} });
    store.getState().setBind('a', 'out', 'out * 2');
    store.getState().openBlock(null);
    store.getState().setParam(second, 'out', 3);
    const s = store.getState();
    expect(s.analysis.nodes.get('pair.a')!.params['out']).toBe(12);
    expect(s.analysis.nodes.get(`${second}.a`)!.params['out']).toBe(6);
    expect(s.types.get('block:pair')!.params['out']).toMatchObject({ kind: 'int', default: 6 });
  });

  it('an expression naming no block param is a coded error shown inside the block', () => {
    const store = withBlock();
    store.getState().openBlock('pair');
    store.getState().setBind('a', 'out', 'width * 4');
    const s = store.getState();
    expect(s.analysis.problems.map((p) => p.code)).toEqual(['MF_BLOCK_EXPR']);
    expect(s.nodeViews.get('a')!.problems.map((p) => p.code)).toEqual(['MF_BLOCK_EXPR']);
  });
});

describe('documents with retired node types', () => {
  it('open with the type that absorbed them', async () => {
    const { createRegistry } = await import('@modalflow/nodes');
    const nodes = createRegistry();
    const doc: GraphDoc = {
      ...emptyGraph('old'),
      nodes: [{ id: 'enc', type: 'reasoning.self_attention', typeVersion: 1, params: { layers: 1 } }],
    };
    const store = createEditorStore({ registry: nodes, doc });
    expect(store.getState().doc.nodes[0]).toMatchObject({ type: 'encoder.transformer', label: 'Self-attention fusion (single stream)', params: { layers: 1, norm: 'post' } });
    store.getState().replaceDocument(doc);
    expect(store.getState().doc.nodes[0]!.type).toBe('encoder.transformer');
    expect(store.getState().types.get('encoder.transformer')!.presets!.map((p) => p.name)).toEqual(['single_stream']);
  });
});

describe('presets', () => {
  it('add the type with the preset params, named after the preset', async () => {
    const { createRegistry } = await import('@modalflow/nodes');
    const store = createEditorStore({ registry: createRegistry(), doc: emptyGraph() });
    const id = store.getState().addNode('encoder.transformer#single_stream', { x: 0, y: 0 });
    expect(store.getState().doc.nodes[0]).toMatchObject({ id, type: 'encoder.transformer', label: 'Self-attention fusion (single stream)', params: { norm: 'post', activation: 'gelu', eps: 1e-12, layers: 12 } });
    expect(id).toBe('transformer');
  });
});

describe('shared blocks in the editor', () => {
  it('marking a block shared gives its instances one set of weights, and undo takes it back', () => {
    const store = withBlock();
    const second = store.getState().addNode('block:pair', { x: 300, y: 200 });
    store.getState().connect({ from: ['pair', 'y'], to: [second, 'x'] });
    // The second instance reads 5 features where the first reads 8: shared weights would not fit.
    const total = store.getState().analysis.totals.params;
    expect(total).toBe(8 * 6 + 6 * 5 + 5 * 6 + 6 * 5);
    store.getState().replaceBlock('pair', { ...store.getState().doc.blocks!['pair']!, shared: true });
    expect(store.getState().analysis.problems.map((p) => p.code)).toEqual(['MF_SHARED_WEIGHT_SHAPE']);
    expect(store.getState().nodeViews.get(second)!.ok).toBe(false);
    store.getState().undo();
    expect(store.getState().doc.blocks!['pair']!.shared).toBeUndefined();
    expect(store.getState().analysis.problems).toEqual([]);
  });
});

describe('blocks inside blocks', () => {
  it('a selection inside an open block becomes a nested block, the outer definition using it', () => {
    const store = withBlock();
    store.getState().openBlock('pair');
    store.getState().select(['b']);
    expect(store.getState().makeBlock('last')).toBe('last');
    const s = store.getState();
    expect(s.doc.blocks!['pair']!.nodes.map((n) => [n.id, n.type])).toEqual([['a', 'layer.fx_linear'], ['last', 'block:last']]);
    expect(s.doc.blocks!['pair']!.outputs['y']).toEqual({ from: ['last', 'y'] });
    expect(s.doc.blocks!['last']!.nodes.map((n) => n.id)).toEqual(['b']);
    expect(s.analysis.problems).toEqual([]);
    expect(s.analysis.nodes.get('pair.last.b')!.outputShapes['y']).toEqual(['B', 5]);
    expect(s.edgeViews.get('last.y->@outputs.y')).toMatchObject({ shape: 'B×5' });
  });
});

describe('making a block refuses', () => {
  it('graph inputs and outputs, and an empty selection, saying why', () => {
    const store = createEditorStore({ registry, doc: twoLayers() });
    expect(store.getState().makeBlock()).toEqual({ refused: expect.stringContaining('Select') });
    store.getState().select(['in', 'a']);
    expect(store.getState().makeBlock()).toEqual({ refused: expect.stringContaining('(in)') });
    expect(store.getState().doc).toEqual(twoLayers());
  });
});

describe('wires of a view as flat tensors', () => {
  it('name what an instance output, an inner wire and a block input carry', async () => {
    const { flatTensor } = await import('./flatTensor.ts');
    const store = withBlock();
    let s = store.getState();
    expect(flatTensor(s.analysis, s.scope, s.nodeIndex, { from: ['pair', 'y'], to: ['out', 'value'] })).toBe('pair.b.y');
    expect(flatTensor(s.analysis, s.scope, s.nodeIndex, { from: ['in', 'value'], to: ['pair', 'x'] })).toBe('in.value');
    s.openBlock('pair');
    s = store.getState();
    expect(flatTensor(s.analysis, s.scope, s.nodeIndex, { from: ['a', 'y'], to: ['b', 'x'] })).toBe('pair.a.y');
    expect(flatTensor(s.analysis, s.scope, s.nodeIndex, { from: [INPUTS_ID, 'x'], to: ['a', 'x'] })).toBe('in.value');
  });
});

describe('deleting a block', () => {
  it('only once nothing uses it, as one undo step', () => {
    const store = withBlock();
    expect(store.getState().deleteBlock('pair')).toBe(false);
    store.getState().removeElements(['pair']);
    store.getState().openBlock('pair');
    expect(store.getState().deleteBlock('pair')).toBe(true);
    expect(store.getState().doc.blocks).toBeUndefined();
    expect(store.getState().scope).toBe(null);
    expect(store.getState().types.get('block:pair')).toBeUndefined();
    store.getState().undo();
    expect(store.getState().doc.blocks!['pair']).toBeDefined();
  });
});
