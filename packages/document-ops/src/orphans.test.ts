import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '@modalflow/core';
import { orphanedBranch, stillOrphaned } from './orphans.ts';

const graph = (edges: [string, string][], extra: string[] = []): GraphDoc =>
  ({
    version: 1,
    meta: {},
    nodes: [...new Set([...edges.flat(), ...extra])].map((id) => ({ id, type: 't', typeVersion: 1, params: {} })),
    edges: edges.map(([a, b]) => ({ from: [a, 'y'], to: [b, 'x'] })),
  }) as unknown as GraphDoc;

describe('orphaned branches', () => {
  it('marks the unwired node and the chain that fed only it, not a node that feeds elsewhere too', () => {
    // a → b (b's wire into d was replaced); c feeds both b and d.
    const doc = graph([['a', 'b'], ['c', 'b'], ['c', 'd'], ['e', 'd']]);
    expect([...orphanedBranch(doc, ['b'])].sort()).toEqual(['a', 'b']);
  });

  it('marks nothing when the old source still feeds another node', () => {
    const doc = graph([['a', 'b'], ['a', 'c']]);
    expect(orphanedBranch(doc, ['a']).size).toBe(0);
  });

  it('unmarks a branch once it is wired again, and keeps the same set when nothing changed', () => {
    const marked = new Set(['a', 'b']);
    expect(stillOrphaned(graph([['a', 'b']], ['d']), marked)).toBe(marked);
    expect(stillOrphaned(graph([['a', 'b'], ['b', 'd']]), marked).size).toBe(0);
    expect([...stillOrphaned(graph([['a', 'd']], ['b']), marked)]).toEqual(['b']);
  });
});
