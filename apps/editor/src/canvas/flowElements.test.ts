import { describe, expect, it } from 'vitest';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { createEditorStore } from '../store/createEditorStore.ts';
import { createEdgeDeriver, createNodeDeriver } from './flowElements.ts';

describe('flow elements', () => {
  it('renews only the nodes a drag moves', () => {
    const store = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    const derive = createNodeDeriver();
    const nodesOf = () => {
      const s = store.getState();
      return derive(s.doc, store.dragging.getState().positions, s.selectedNodes, s.measured);
    };
    const before = nodesOf();
    expect(nodesOf()).toBe(before);
    store.getState().dragTo({ lin: { x: 250, y: 10 } });
    const during = nodesOf();
    expect(during[0]).toBe(before[0]);
    expect(during[2]).toBe(before[2]);
    expect(during[1]).not.toBe(before[1]);
    expect(during[1]!.position).toEqual({ x: 250, y: 10 });
    expect(during[1]!.data).toBe(before[1]!.data);
    // Later frames of the same drag renew the moved node only, and its position follows.
    store.getState().dragTo({ lin: { x: 260, y: 12 } });
    const next = nodesOf();
    expect(next[0]).toBe(before[0]);
    expect(next[1]!.position).toEqual({ x: 260, y: 12 });
    store.getState().dragTo({ lin: { x: 250, y: 10 } });
    expect(nodesOf()[1]!.position).toEqual({ x: 250, y: 10 });
    store.getState().setMeasured({ in: { width: 200, height: 90 } });
    const measured = nodesOf();
    expect(measured[0]!.measured).toEqual({ width: 200, height: 90 });
    expect(measured[2]).toBe(before[2]);
    store.getState().endDrag();
    const dropped = nodesOf();
    expect(dropped[1]!.position).toEqual({ x: 250, y: 10 });
    expect(dropped[1]).not.toBe(during[1]);
  });

  it('renews only edges whose selection changed', () => {
    const store = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    const derive = createEdgeDeriver();
    const s0 = store.getState();
    const before = derive(s0.doc.edges, s0.edgeIds, s0.selectedEdges);
    expect(before[0]).toMatchObject({ id: 'in.value->lin.x', source: 'in', sourceHandle: 'value', target: 'lin', targetHandle: 'x' });
    store.getState().setSelected('edge', 'lin.y->out.value', true);
    const s1 = store.getState();
    const after = derive(s1.doc.edges, s1.edgeIds, s1.selectedEdges);
    expect(after[0]).toBe(before[0]);
    expect(after[1]!.selected).toBe(true);
  });
});
