import { describe, expect, it } from 'vitest';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { layoutGraph } from './layout.ts';

describe('layout', () => {
  it('places every node left to right along the edges', async () => {
    const doc = chainDoc();
    doc.nodes.forEach((n) => (n.ui = { x: 0, y: 0 }));
    const registry = fixtureRegistry();
    const ports = (id: string) => {
      const def = registry.get(doc.nodes.find((n) => n.id === id)!.type)!;
      return { inputs: Object.keys(def.inputs), outputs: Object.keys(def.outputs) };
    };
    const pos = await layoutGraph(doc, ports, new Map([['lin', { width: 300, height: 200 }]]));
    expect(Object.keys(pos).sort()).toEqual(['in', 'lin', 'out']);
    expect(pos['in']!.x).toBeLessThan(pos['lin']!.x);
    expect(pos['lin']!.x + 300).toBeLessThan(pos['out']!.x);
  });
});
