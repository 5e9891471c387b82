import { describe, expect, it } from 'vitest';
import { analyzeGraph, defineNode, tensor, int, NodeRegistry, type GraphDoc } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { viewTaps } from '../run/taps.ts';
import { attentionSources, barSources, matrixSources } from './sources.ts';

// Node types no part of the editor names: their views come from what they declare alone.
const src = defineNode({ type: 'probe.source', version: 1, category: 'inputs', title: 'Source', role: 'input', inputKind: 'tensor', inputs: {}, outputs: { value: tensor('float32', ['B', 3, 8, 8]) } });
const patchify = defineNode({
  type: 'probe.patchify', version: 1, category: 'encoders', title: 'Patchify',
  inputs: { image: tensor('float32', ['B', 3, 8, 8]) },
  outputs: { tokens: tensor('float32', ['B', 4, 6]) },
  params: { side: int({ default: 4, min: 1 }) },
  views: { patches: { pixels: 'image', size: 'side' } },
  lower: ({ x }) => ({ tokens: x['image']! }),
});
const head = defineNode({
  type: 'probe.head', version: 1, category: 'heads', title: 'Probe head',
  inputs: { tokens: tensor('float32', ['B', 4, 6]) },
  outputs: { verdict: tensor('float32', ['B', 3]), focus: tensor('float32', ['B', 1, 1, 4]), pairs: tensor('float32', ['B', 'B']) },
  views: { probabilities: { verdict: { classNames: ['cat', 'dog', 'bird'] } }, attention: ['focus'], similarity: { outputs: ['pairs'], rows: 'tokens', cols: 'tokens' } },
  lower: ({ x }) => ({ verdict: x['tokens']!, focus: x['tokens']!, pairs: x['tokens']! }),
});
const registry = new NodeRegistry([...createRegistry().list(), src, patchify, head]);

const doc: GraphDoc = {
  format: 'modalflow.graph', version: 1, meta: {}, seed: 1,
  nodes: [
    { id: 'pic', type: 'probe.source', typeVersion: 1, params: {} },
    { id: 'cut', type: 'probe.patchify', typeVersion: 1, params: { side: 4 } },
    { id: 'judge', type: 'probe.head', typeVersion: 1, params: {} },
  ],
  edges: [{ from: ['pic', 'value'], to: ['cut', 'image'] }, { from: ['cut', 'tokens'], to: ['judge', 'tokens'] }],
};

describe('views declared by node types', () => {
  it('gives a new node type its bars, attention over patches and similarity matrix from its declaration', () => {
    const analysis = analyzeGraph(doc, registry);
    expect(viewTaps(analysis).sort()).toEqual(['judge.focus', 'judge.pairs', 'judge.verdict', 'pic.value']);
    expect(barSources(analysis)).toEqual([{ kind: 'probs', node: 'judge', tap: 'judge.verdict', classNames: ['cat', 'dog', 'bird'] }]);
    expect(attentionSources(analysis)).toEqual([
      { tap: 'judge.focus', node: 'judge', port: 'focus', patch: { embed: 'cut', pixels: 'pic.value', patch: 4, classToken: false, position: 'start', crop: false } },
    ]);
    expect(matrixSources(analysis)).toEqual([{ node: 'judge', tap: 'judge.pairs', rows: 'pic', cols: 'pic' }]);
  });
});
