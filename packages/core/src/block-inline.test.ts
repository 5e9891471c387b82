import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze.ts';
import { MAX_INLINED_NODES, inlineBlocks } from './block-inline.ts';
import { loadGraph } from './load.ts';
import { blockRegistry as registry, mlpBlock, twoInstances } from './block-fixtures.ts';
import type { GraphDoc } from './document.ts';

const codes = (doc: GraphDoc) => analyzeGraph(doc, registry).problems.map((p) => p.code);

describe('inlining blocks', () => {
  it('expands each instance into its inner nodes, named after the instance', () => {
    const a = analyzeGraph(loadGraph(twoInstances()), registry);
    expect(a.problems).toEqual([]);
    expect(a.order.indexOf('l1.down')).toBeLessThan(a.order.indexOf('l1.res'));
    expect(a.order.indexOf('l1.res')).toBeLessThan(a.order.indexOf('l2.up'));
    expect([...a.nodes.keys()].sort()).toEqual(['l1.down', 'l1.res', 'l1.up', 'l2.down', 'l2.res', 'l2.up', 'out', 'src']);
    expect(a.nodes.get('l1.up')!.weightPrefix).toBe('l1.up');
    expect(a.nodes.get('l2.down')!.outputShapes['y']).toEqual(['B', 8]);
    expect(a.instances.get('l1')).toMatchObject({ block: 'mlp', params: { dim: 8 }, inputs: { x: [['l1.up', 'x'], ['l1.res', 'a']] }, outputs: { y: ['l1.res', 'y'] } });
    // up [16, 8] + down [8, 16] per instance
    expect(a.totals.params).toBe(2 * (16 * 8 + 8 * 16));
  });

  it('computes inner params from the instance params', () => {
    const a = analyzeGraph(twoInstances(mlpBlock(), { dim: 8 }), registry);
    expect(a.nodes.get('l1.up')!.params['out']).toBe(16);
    expect(a.nodes.get('l1.up')!.weights['weight']!.shape).toEqual([16, 8]);
  });

  it('gives a shared block one set of weights, counted once', () => {
    const a = analyzeGraph(twoInstances(mlpBlock({ shared: true })), registry);
    expect(a.problems).toEqual([]);
    expect(a.nodes.get('l1.up')!.weightPrefix).toBe('mlp.up');
    expect(a.nodes.get('l2.up')!.weightPrefix).toBe('mlp.up');
    expect(a.totals.params).toBe(16 * 8 + 8 * 16);
  });

  it('expands blocks inside blocks, prefixing each level', () => {
    const doc = twoInstances();
    doc.blocks!['pair'] = {
      version: 2, params: { width: { kind: 'int', default: 8 } },
      inputs: { x: { to: [['first', 'x']] } }, outputs: { y: { from: ['second', 'y'] } },
      nodes: [
        { id: 'first', type: 'block:mlp', typeVersion: 1, params: {}, bind: { dim: 'width' } },
        { id: 'second', type: 'block:mlp', typeVersion: 1, params: {}, bind: { dim: 'width' } },
      ],
      edges: [{ from: ['first', 'y'], to: ['second', 'x'] }],
    };
    doc.nodes[1] = { id: 'l1', type: 'block:pair', typeVersion: 2, params: {} };
    const a = analyzeGraph(doc, registry);
    expect(a.problems).toEqual([]);
    expect(a.nodes.has('l1.first.up')).toBe(true);
    expect(a.nodes.get('l1.second.down')!.weightPrefix).toBe('l1.second.down');
    expect(a.instances.get('l1')!.outputs['y']).toEqual(['l1.second.res', 'y']);
  });

  it('leaves graphs without blocks exactly as they were', () => {
    const doc = twoInstances();
    const flat: GraphDoc = { ...doc, blocks: undefined, nodes: [doc.nodes[0]!, doc.nodes[3]!], edges: [{ from: ['src', 'y'], to: ['out', 'value'] }] };
    const a = analyzeGraph(flat, registry);
    expect(a.doc.nodes).toEqual(flat.nodes);
    expect(a.doc.edges).toEqual(flat.edges);
  });
});

describe('block errors', () => {
  it('a block that contains itself, directly or through another', () => {
    const doc = twoInstances();
    doc.blocks!['mlp']!.nodes.push({ id: 'again', type: 'block:loop', typeVersion: 1, params: {} });
    doc.blocks!['mlp']!.edges.push({ from: ['res', 'y'], to: ['again', 'x'] });
    doc.blocks!['mlp']!.outputs['z'] = { from: ['again', 'y'] };
    doc.blocks!['loop'] = {
      version: 1, params: {}, inputs: { x: { to: [['inner', 'x']] } }, outputs: { y: { from: ['inner', 'y'] } },
      nodes: [{ id: 'inner', type: 'block:mlp', typeVersion: 1, params: {} }], edges: [],
    };
    const p = analyzeGraph(doc, registry).problems.find((x) => x.code === 'MF_BLOCK_CYCLE')!;
    expect(p.message).toContain('mlp → loop → mlp');
    expect(p.at).toMatchObject({ block: 'mlp', node: 'again', path: '/blocks/mlp/nodes/3/type' });
    expect(analyzeGraph(doc, registry).problems.map((x) => x.code)).toEqual(['MF_BLOCK_CYCLE']);
  });

  it('an instance of another version than the block', () => {
    const doc = twoInstances();
    doc.nodes[2]!.typeVersion = 2;
    const [p] = analyzeGraph(doc, registry).problems;
    expect(p).toMatchObject({ code: 'MF_BLOCK_VERSION_MISMATCH', at: { node: 'l2', path: '/nodes/2/typeVersion' } });
  });

  it('an exposed param out of range, on the instance', () => {
    const [p] = analyzeGraph(twoInstances(mlpBlock(), { dim: 100 }), registry).problems;
    expect(p).toMatchObject({ code: 'MF_PARAM_RANGE', at: { node: 'l1', param: 'dim', path: '/nodes/1/params/dim' } });
  });

  it('an expression that reads a name the block does not expose, where it is written', () => {
    const block = mlpBlock();
    block.nodes[0]!.bind = { out: 'width * 4' };
    const [p, ...rest] = analyzeGraph(twoInstances(block), registry).problems;
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'MF_BLOCK_EXPR', at: { block: 'mlp', node: 'up', param: 'out', path: '/blocks/mlp/nodes/0/bind/out' } });
    expect(p!.message).toContain('"width"');
  });

  it('an expression whose value the inner param refuses at the defaults', () => {
    const block = mlpBlock();
    block.nodes[1]!.bind = { out: 'dim / 3' };
    expect(analyzeGraph(twoInstances(block), registry).problems[0]).toMatchObject({ code: 'MF_PARAM_TYPE', at: { block: 'mlp', node: 'down', path: '/blocks/mlp/nodes/1/bind/out' } });
  });

  it('an instance whose params make an inner param invalid names the instance and the inner node', () => {
    const block = mlpBlock();
    block.nodes[1]!.bind = { out: 'dim * 100' };
    block.params['dim'] = { kind: 'int', default: 1, min: 1, max: 64 };
    const [p] = analyzeGraph(twoInstances(block, { dim: 60 }), registry).problems;
    expect(p).toMatchObject({ code: 'MF_PARAM_RANGE', at: { block: 'mlp', node: 'l1.down', param: 'out', path: '/blocks/mlp/nodes/1/params/out' } });
  });

  it('an inner input left unconnected inside the block', () => {
    const block = mlpBlock();
    block.edges.pop();
    const [p] = analyzeGraph(twoInstances(block), registry).problems;
    expect(p).toMatchObject({ code: 'MF_BLOCK_PORT_UNCONNECTED', at: { block: 'mlp', node: 'res', port: 'b', path: '/blocks/mlp/nodes/2' } });
  });

  it('a block port that points at no inner node, or at a port the node lacks', () => {
    const block = mlpBlock();
    block.outputs['y'] = { from: ['nowhere', 'y'] };
    block.inputs['x']!.to[0] = ['up', 'nope'];
    expect(analyzeGraph(twoInstances(block), registry).problems.map((p) => [p.code, p.at.path])).toEqual([
      ['MF_UNKNOWN_PORT', '/blocks/mlp/inputs/x/to/0'],
      ['MF_BLOCK_PORT_REF', '/blocks/mlp/outputs/y/from'],
      ['MF_BLOCK_PORT_UNCONNECTED', '/blocks/mlp/nodes/0'],
    ]);
  });

  it('an instance port left open is reported on the instance, once', () => {
    const doc = twoInstances();
    doc.edges.splice(1, 1);
    const problems = analyzeGraph(doc, registry).problems;
    expect(problems).toEqual([expect.objectContaining({ code: 'MF_MISSING_INPUT', at: expect.objectContaining({ node: 'l2', port: 'x', path: '/nodes/2' }) })]);
  });

  it('an edge to a port the block does not have, and an unknown block', () => {
    const doc = twoInstances();
    doc.edges[2]!.from = ['l2', 'nope'];
    doc.nodes.push({ id: 'ghost', type: 'block:ghost', typeVersion: 1, params: {} });
    expect(codes(doc)).toEqual(['MF_UNKNOWN_BLOCK', 'MF_UNKNOWN_PORT', 'MF_MISSING_INPUT']);
    const p = analyzeGraph(doc, registry).problems;
    expect(p[1]!.at).toMatchObject({ edge: 2, path: '/edges/2/from/1' });
    expect(p[2]!.at).toMatchObject({ node: 'out', path: '/nodes/3' });
  });

  it('a shape mismatch inside an instance names the instance, the inner node and the port', () => {
    const block = mlpBlock();
    block.nodes[1]!.bind = { out: 'dim + 1' };
    const p = analyzeGraph(twoInstances(block), registry).problems;
    expect(p[0]).toMatchObject({ code: 'MF_SHAPE_MISMATCH', at: { block: 'mlp', node: 'l1.res', port: 'b', path: '/blocks/mlp/edges/1' } });
  });

  it('shared instances whose sizes differ', () => {
    const doc = twoInstances(mlpBlock({ shared: true }));
    doc.nodes[1]!.params = { dim: 8 };
    doc.nodes.splice(2, 1, { id: 'l2', type: 'block:mlp', typeVersion: 1, params: { dim: 4 } });
    expect(codes(doc)).toContain('MF_SHARED_WEIGHT_SHAPE');
  });

  it('input and output nodes inside a block', () => {
    const block = mlpBlock();
    block.nodes.push({ id: 'feed', type: 't.source', typeVersion: 1, params: {} });
    expect(codes(twoInstances(block))).toEqual(['MF_BLOCK_IO_NODE']);
  });
});

describe('block expansion', () => {
  it('stops with a coded error where nesting would make the graph too large', () => {
    const doc = twoInstances();
    // Each level holds two of the level below: 2^depth copies of the bottom block.
    for (let level = 1; level <= 16; level++) {
      const below = level === 1 ? 'mlp' : `x${level - 1}`;
      doc.blocks![`x${level}`] = {
        version: 1, params: {}, inputs: { x: { to: [['a', 'x']] } }, outputs: { y: { from: ['b', 'y'] } },
        nodes: [{ id: 'a', type: `block:${below}`, typeVersion: 1, params: {} }, { id: 'b', type: `block:${below}`, typeVersion: 1, params: {} }],
        edges: [{ from: ['a', 'y'], to: ['b', 'x'] }],
      };
    }
    doc.nodes[1]!.type = 'block:x16';
    const full = inlineBlocks(doc, registry);
    expect(full.problems.map((p) => p.code)).toEqual(['MF_BLOCK_TOO_LARGE']);
    // Past the limit, each instance left unexpanded stays as one placeholder node.
    expect(full.doc.nodes.length).toBeLessThan(MAX_INLINED_NODES + 100);
    const small = inlineBlocks(doc, registry, { maxNodes: 100 });
    expect(small.doc.nodes.length).toBeLessThan(200);
    expect(small.problems.filter((p) => p.code === 'MF_BLOCK_TOO_LARGE')).toHaveLength(1);
  });
});

describe('a cycle through an instance', () => {
  it('is placed where its first node is written', () => {
    const doc = twoInstances();
    doc.edges.push({ from: ['l2', 'y'], to: ['l1', 'x'] });
    doc.edges.splice(0, 1);
    const p = analyzeGraph(doc, registry).problems.find((x) => x.code === 'MF_CYCLE')!;
    expect(p.message).toContain('l1.');
    expect(p.at.block).toBe('mlp');
    expect(p.at.path).toMatch(/^\/blocks\/mlp\/nodes\/\d$/);
  });
});
