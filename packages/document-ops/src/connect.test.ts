import { describe, expect, it } from 'vitest';
import { chainDoc, fixtureRegistry } from './fixtures.ts';
import { tryConnect } from './connect.ts';
import { makesCycle } from './cycles.ts';
import { preparePaste, subgraph } from './clipboard.ts';
import { serializeGraph } from '@modalflow/core';

const registry = fixtureRegistry();

describe('connecting', () => {
  it('replaces the wire already in an input and says which one it replaced', () => {
    const doc = chainDoc();
    doc.nodes.push({ id: 'lin2', type: 'layer.fx_linear', typeVersion: 1, params: { out: 4 }, ui: { x: 200, y: 200 } });
    doc.edges.push({ from: ['in', 'value'], to: ['lin2', 'x'] });
    const r = tryConnect(doc, registry, { from: ['lin2', 'y'], to: ['out', 'value'] });
    expect(r.ok && r.replaced).toEqual({ from: ['lin', 'y'], to: ['out', 'value'] });
    expect(r.ok && r.doc.edges.filter((e) => e.to[0] === 'out')).toEqual([{ from: ['lin2', 'y'], to: ['out', 'value'] }]);
  });

  it('refuses a cycle with MF_CYCLE, and a port the node lacks with MF_UNKNOWN_PORT', () => {
    const doc = chainDoc();
    expect(makesCycle(doc, { from: ['lin', 'y'], to: ['lin', 'x'] })).toBe(true);
    expect(tryConnect(doc, registry, { from: ['lin', 'y'], to: ['lin', 'x'] })).toMatchObject({ ok: false, code: 'MF_CYCLE' });
    expect(tryConnect(doc, registry, { from: ['lin', 'nope'], to: ['out', 'value'] })).toMatchObject({ ok: false, code: 'MF_UNKNOWN_PORT' });
    expect(makesCycle(doc, { from: ['in', 'value'], to: ['out', 'value'] })).toBe(false);
  });
});

describe('the clipboard', () => {
  it('copies the chosen nodes with the edges between them, and pastes them under fresh ids', () => {
    const doc = chainDoc();
    const clip = subgraph(doc, new Set(['in', 'lin']));
    expect(clip.edges).toEqual([{ from: ['in', 'value'], to: ['lin', 'x'] }]);
    const pasted = preparePaste(serializeGraph(clip), new Set(doc.nodes.map((n) => n.id)), { x: 500, y: 100 });
    expect(pasted.nodes.map((n) => n.id)).toEqual(['in_2', 'lin_2']);
    expect(pasted.nodes[0]!.ui).toMatchObject({ x: 500, y: 100 });
    expect(pasted.edges).toEqual([{ from: ['in_2', 'value'], to: ['lin_2', 'x'] }]);
  });
});
