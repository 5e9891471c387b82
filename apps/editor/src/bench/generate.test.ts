import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { generateGraph } from './generate.ts';

describe('benchmark graph', () => {
  it('has the requested size and analyses without errors', () => {
    const doc = generateGraph(1000);
    expect(doc.nodes).toHaveLength(1000);
    const a = analyzeGraph(doc, createRegistry());
    expect(a.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(a.totals.params).toBeGreaterThan(0);
  });
});
