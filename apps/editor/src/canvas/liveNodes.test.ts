import { describe, expect, it } from 'vitest';
import { generateGraph } from '../bench/generate.ts';
import { glyphSize, graphLayout, keepLive, liveEdges, nodeAt, nodesInBox, nodesInView, withNeighbours } from './liveNodes.ts';

// Chains of 20 nodes, 300 apart in x and 320 in y; cards sized 204 × 100 here.
const doc = generateGraph(100);
const layout = graphLayout(doc, () => ({ width: 204, height: 100 }));

describe('which nodes a big graph mounts', () => {
  it('finds the nodes in the pane, widened by a margin, from the viewport transform', () => {
    // At 100% with the view's top-left at flow (0, 0), a 700 × 200 pane shows the first three of chain 0.
    expect(nodesInView(layout, [0, 0, 1], { width: 700, height: 200 }, 0)).toEqual(['in_0', 'n_0_0', 'n_0_1']);
    // Panned right by 600 flow units at 50% zoom: x from 600 to 2000, y from 0 to 200.
    expect(nodesInView(layout, [-300, 0, 0.5], { width: 700, height: 100 }, 0)).toEqual(['n_0_1', 'n_0_2', 'n_0_3', 'n_0_4', 'n_0_5']);
    // A margin of one pane's size on each side reaches the second chain (y 320).
    expect(nodesInView(layout, [0, 0, 1], { width: 700, height: 200 }, 1)).toContain('in_1');
    expect(nodesInView(layout, [0, 0, 1], { width: 0, height: 0 })).toEqual([]);
  });

  it('adds the nodes wired to those in view, and those kept (selected, moving)', () => {
    const live = withNeighbours(layout, ['n_0_5'], ['out_3']);
    expect([...live].sort()).toEqual(['n_0_4', 'n_0_5', 'n_0_6', 'out_3']);
    const nodes = keepLive(doc.nodes, live);
    expect(nodes.map((n) => n.id).sort()).toEqual(['n_0_4', 'n_0_5', 'n_0_6', 'out_3']);
    const edges = doc.edges.map((e) => ({ source: e.from[0], target: e.to[0] }));
    expect(liveEdges(edges, live)).toEqual([
      { source: 'n_0_4', target: 'n_0_5' },
      { source: 'n_0_5', target: 'n_0_6' },
    ]);
    // Nothing left out: the very same array, so React Flow sees no change.
    expect(keepLive(doc.nodes, new Set(doc.nodes.map((n) => n.id)))).toBe(doc.nodes);
  });

  it('hit-tests the node under the pointer in flow coordinates', () => {
    expect(nodeAt(layout, { x: 310, y: 50 })).toBe('n_0_0');
    expect(nodeAt(layout, { x: 250, y: 50 })).toBeNull();
    expect(nodeAt(layout, { x: 10, y: 330 })).toBe('in_1');
    // A box takes the nodes wholly inside it, whichever corner it was drawn from.
    expect(nodesInBox(layout, { x: 1110, y: 120 }, { x: 250, y: -10 })).toEqual(['n_0_0', 'n_0_1', 'n_0_2']);
    expect(glyphSize({ inputs: [1], outputs: [1, 2] })).toEqual({ width: 204, height: 47 + 10 + 2 * 26 });
  });
});
