import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { generateGraph } from '../bench/generate.ts';
import { createEditorStore } from './createEditorStore.ts';

const registry = createRegistry();

describe('editor store: re-analysis after an edit', () => {
  it('keeps the analysis of nodes the edit does not reach and matches a full analysis', () => {
    // Three chains of 20 nodes: in_c → n_c_0 … n_c_17 → out_c.
    const store = createEditorStore({ registry, doc: generateGraph(60) });
    const before = store.getState();
    before.setParam('n_0_3', 'out', 32);
    const after = store.getState();
    expect(after.analysis).not.toBe(before.analysis);
    expect(after.analysis.nodes.get('n_0_3')!.outputShapes['y']).toEqual(['B', 32]);
    // Upstream of the edit and the other chains: the very same objects, and the same views.
    for (const id of ['in_0', 'n_0_2', 'in_1', 'n_1_9', 'out_2']) {
      expect(after.analysis.nodes.get(id)).toBe(before.analysis.nodes.get(id));
      expect(after.nodeViews.get(id)).toBe(before.nodeViews.get(id));
    }
    // Downstream of it: analysed again.
    expect(after.analysis.nodes.get('n_0_6')).not.toBe(before.analysis.nodes.get('n_0_6'));
    expect(after.analysis).toEqual(analyzeGraph(after.doc, registry));

    const added = after.addNode('layer.activation', { x: 0, y: 2000 });
    const wired = store.getState().connect({ from: ['n_1_17', 'y'], to: [added, 'x'] });
    expect(wired.ok).toBe(true);
    const last = store.getState();
    expect(last.analysis.nodes.get(added)!.inputShapes['x']).toEqual(['B', 64]);
    expect(last.analysis.nodes.get('n_2_5')).toBe(before.analysis.nodes.get('n_2_5'));
    expect(last.analysis).toEqual(analyzeGraph(last.doc, registry));
  });
});
