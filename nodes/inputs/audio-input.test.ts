import { describe, expect, it } from 'vitest';
import { compileGraph } from '@modalflow/compiler';
import type { GraphDoc } from '@modalflow/core';
import { createRegistry } from '../index.ts';

const doc = (params: Record<string, unknown>): GraphDoc => ({
  format: 'modalflow.graph', version: 1, meta: { title: 'audio' }, seed: 1,
  nodes: [
    { id: 'clip', type: 'input.audio', typeVersion: 1, params },
    { id: 'mel', type: 'preprocess.log_mel', typeVersion: 1, params: { n_mels: 8, n_fft: 64, hop_length: 32 } },
    { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
  ],
  edges: [{ from: ['clip', 'audio'], to: ['mel', 'audio'] }, { from: ['mel', 'mel'], to: ['out', 'value'] }],
});

describe('input.audio', () => {
  it('tells the plan how to read files: rate and fixed length', () => {
    const { plan } = compileGraph(doc({ sample_rate: 22050, samples: 44100 }), createRegistry());
    expect(plan.inputs[0]).toMatchObject({ name: 'clip', kind: 'audio', dtype: 'float32', shape: ['B', 44100], media: { sampleRate: 22050, samples: 44100 } });
  });

  it('leaves the length symbolic, named after the node, when samples is 0', () => {
    const { plan } = compileGraph(doc({}), createRegistry());
    expect(plan.inputs[0]).toMatchObject({ shape: ['B', 'S_clip'], media: { sampleRate: 16000, samples: 0 } });
  });
});
