import { describe, expect, it } from 'vitest';
import { createRegistry } from '@modalflow/nodes';
import { loadExamples } from '../documents/examples.ts';
import { createEditorStore } from '../store/createEditorStore.ts';
import { nodeBoxes, overlappingPairs } from './nodeSize.ts';

const registry = createRegistry();

describe('example layouts', () => {
  const docs = loadExamples().flatMap((ex) => [
    [`${ex.id}/graph.json`, ex.doc] as const,
    [`${ex.id}/tiny.json`, ex.tiny] as const,
  ]).filter(([, doc]) => doc);

  it.each(docs)('%s: no two node cards intersect', (_name, doc) => {
    const s = createEditorStore({ registry, doc: doc! }).getState();
    const boxes = nodeBoxes(s.view, s.types, s.nodeViews);
    expect(boxes.length).toBe(doc!.nodes.length);
    expect(overlappingPairs(boxes)).toEqual([]);
  });
});

describe('overlappingPairs', () => {
  it('finds boxes that share area, and keeps touching edges apart', () => {
    const b = (id: string, x: number, y: number) => ({ id, x, y, width: 100, height: 50 });
    expect(overlappingPairs([b('a', 0, 0), b('b', -60, 30), b('c', 100, 0), b('d', 200, 50)])).toEqual([['b', 'a']]);
    expect(overlappingPairs([b('a', 0, 0), b('c', 100, 0)], 10)).toEqual([['a', 'c']]);
  });
});
