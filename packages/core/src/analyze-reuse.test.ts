import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Analysis } from './analyze.ts';
import { blockRegistry as registry } from './block-fixtures.ts';
import type { GraphDoc, GraphEdge, GraphNode } from './document.ts';

const node = (id: string, type: string, params: Record<string, unknown> = {}): GraphNode => ({ id, type, typeVersion: 1, params });

/** Three chains: a and b are valid; c adds an 8-wide and a 16-wide tensor, a shape error. */
function chains(): GraphDoc {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const c of ['a', 'b']) {
    nodes.push(node(`${c}0`, 't.source'), node(`${c}1`, 't.linear', { out: 8 }), node(`${c}2`, 't.linear', { out: 8 }), node(`${c}3`, 't.sink'));
    edges.push({ from: [`${c}0`, 'y'], to: [`${c}1`, 'x'] }, { from: [`${c}1`, 'y'], to: [`${c}2`, 'x'] }, { from: [`${c}2`, 'y'], to: [`${c}3`, 'value'] });
  }
  nodes.push(node('c0', 't.source'), node('c1', 't.linear', { out: 16 }), node('c2', 't.add'));
  edges.push({ from: ['c0', 'y'], to: ['c1', 'x'] }, { from: ['c0', 'y'], to: ['c2', 'a'] }, { from: ['c1', 'y'], to: ['c2', 'b'] });
  return { version: 1, name: 'chains', seed: 0, nodes, edges } as unknown as GraphDoc;
}

const withParam = (doc: GraphDoc, id: string, params: Record<string, unknown>): GraphDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)),
});

/** Re-analyses `after` from `before`'s analysis; it must equal analysing `after` from scratch. */
function reanalyse(before: Analysis, after: GraphDoc): Analysis {
  const next = analyzeGraph(after, registry, { previous: before });
  expect(next).toEqual(analyzeGraph(after, registry));
  return next;
}

const same = (a: Analysis, b: Analysis, ids: string[]) => ids.filter((id) => a.nodes.get(id) === b.nodes.get(id));

describe('re-analysis after an edit', () => {
  it('a param change re-analyses that node and what is downstream of it only', () => {
    const doc = chains();
    const before = analyzeGraph(doc, registry);
    expect(before.problems.map((p) => p.code)).toEqual(['MF_SHAPE_MISMATCH']);
    const after = reanalyse(before, withParam(doc, 'a1', { out: 32 }));
    expect(after.nodes.get('a2')!.inputShapes['x']).toEqual(['B', 32]);
    expect(same(before, after, ['a0', 'a1', 'a2', 'a3'])).toEqual(['a0']);
    expect(same(before, after, ['b0', 'b1', 'b2', 'b3', 'c0', 'c1', 'c2'])).toEqual(['b0', 'b1', 'b2', 'b3', 'c0', 'c1', 'c2']);
    // The node with a problem was reused, and its problem is still reported.
    expect(after.problems.map((p) => p.code)).toEqual(['MF_SHAPE_MISMATCH']);
  });

  it('adding and removing wires and nodes keeps every node the edit does not reach', () => {
    const doc = chains();
    const before = analyzeGraph(doc, registry);
    const added = reanalyse(before, { ...doc, nodes: [...doc.nodes, node('b4', 't.linear', { out: 4 })], edges: [...doc.edges, { from: ['b2', 'y'], to: ['b4', 'x'] }] });
    expect(added.nodes.get('b4')!.outputShapes['y']).toEqual(['B', 4]);
    expect(same(before, added, [...before.nodes.keys()])).toEqual([...before.nodes.keys()]);

    // Fixing c's shape error by unwiring its second input: c2 now misses an input, a and b stay.
    const unwired = reanalyse(added, { ...added.source, edges: added.source.edges.filter((e) => !(e.to[0] === 'c2' && e.to[1] === 'b')) });
    expect(unwired.problems.map((p) => p.code)).toEqual(['MF_MISSING_INPUT']);
    expect(same(added, unwired, ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3', 'b4', 'c0', 'c1'])).toHaveLength(11);
    expect(unwired.nodes.get('c2')).not.toBe(added.nodes.get('c2'));

    // Removing a node shifts the positions of those after it, which their records name.
    const removed = reanalyse(unwired, { ...unwired.source, nodes: unwired.source.nodes.filter((n) => n.id !== 'b4'), edges: unwired.source.edges.filter((e) => e.to[0] !== 'b4') });
    expect(same(unwired, removed, ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3', 'c0', 'c1', 'c2'])).toHaveLength(11);
    expect(removed.nodes.has('b4')).toBe(false);
  });

  it('a wire that makes a cycle or an unknown port re-analyses its target and reports as a full analysis does', () => {
    const doc = chains();
    const before = analyzeGraph(doc, registry);
    const cyclic = reanalyse(before, { ...doc, nodes: [...doc.nodes, node('a4', 't.add')], edges: [...doc.edges, { from: ['a2', 'y'], to: ['a4', 'a'] }, { from: ['a4', 'y'], to: ['a4', 'b'] }] });
    expect(cyclic.problems.map((p) => p.code)).toContain('MF_CYCLE');
    const badPort = reanalyse(cyclic, { ...doc, edges: [...doc.edges, { from: ['b2', 'nope'], to: ['a3', 'value'] }] });
    expect(badPort.problems.map((p) => p.code)).toContain('MF_UNKNOWN_PORT');
    expect(same(cyclic, badPort, ['b0', 'b1', 'b2', 'b3'])).toHaveLength(4);
  });
});
