import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { partition } from './partition.ts';
import { doc, registry } from './test-defs.ts';

const stages = (d: ReturnType<typeof doc>, g: 'segments' | 'whole' | 'per-node' = 'segments') =>
  partition(analyzeGraph(d, registry), g).map((s) => `${s.kind}:${s.nodes.join(',')}`);

describe('partition', () => {
  const dual = doc(
    [['t', 'input'], ['i', 'input'], ['t1', 'add'], ['t2', 'add'], ['i1', 'add'], ['j', 'add'], ['o', 'output']],
    [['t', 'v', 't1', 'a'], ['t1', 'y', 't2', 'a'], ['i', 'v', 'i1', 'a'], ['t2', 'y', 'j', 'a'], ['i1', 'y', 'j', 'b'], ['j', 'y', 'o', 'value']],
  );

  it('splits by the graph inputs each node depends on', () => {
    expect(stages(dual)).toEqual(['onnx:t1,t2', 'onnx:i1', 'onnx:j']);
  });

  it('puts everything lowerable into one stage for `whole`, one per node for `per-node`', () => {
    expect(stages(dual, 'whole')).toEqual(['onnx:t1,i1,t2,j']);
    expect(stages(dual, 'per-node')).toEqual(['onnx:t1', 'onnx:i1', 'onnx:t2', 'onnx:j']);
  });

  it('never makes stages cyclic around a host step', () => {
    // a -> h (host) -> c, and a -> c: c may not join a's stage, which h waits on.
    const d = doc(
      [['x', 'input'], ['a', 'add'], ['h', 'host'], ['c', 'add'], ['o', 'output']],
      [['x', 'v', 'a', 'a'], ['a', 'y', 'h', 'a'], ['h', 'y', 'c', 'a'], ['a', 'y', 'c', 'b'], ['c', 'y', 'o', 'value']],
    );
    expect(stages(d)).toEqual(['onnx:a', 'host:h', 'onnx:c']);
    expect(stages(d, 'whole')).toEqual(['onnx:a', 'host:h', 'onnx:c']);
  });

  it('orders stages so every stage comes after those it reads', () => {
    // In whole mode b (after the host step) may join a's stage only if that stays acyclic.
    const d = doc(
      [['x', 'input'], ['h', 'host'], ['b', 'add'], ['a', 'add'], ['o', 'output'], ['p', 'output']],
      [['x', 'v', 'h', 'a'], ['h', 'y', 'b', 'a'], ['x', 'v', 'a', 'a'], ['b', 'y', 'o', 'value'], ['a', 'y', 'p', 'value']],
    );
    const s = stages(d, 'whole');
    expect(s.indexOf('host:h')).toBeLessThan(s.findIndex((x) => x.includes('b')));
  });

  it('gives a model-file node a stage of its own', () => {
    const d = doc(
      [['x', 'input'], ['a', 'add'], ['m', 'model', { file: 'net' }], ['c', 'add'], ['o', 'output']],
      [['x', 'v', 'a', 'a'], ['a', 'y', 'm', 'a'], ['m', 'y', 'c', 'a'], ['c', 'y', 'o', 'value']],
      { net: { uri: 'net.onnx' } },
    );
    expect(stages(d)).toEqual(['onnx:a', 'model:m', 'onnx:c']);
  });
});
