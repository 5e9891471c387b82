import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphDoc } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '../index.ts';

const doc = (params: Record<string, unknown>): GraphDoc => ({
  format: 'modalflow.graph', version: 1, meta: { title: 'video' }, seed: 1,
  nodes: [
    { id: 'clip', type: 'input.video', typeVersion: 1, params },
    { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
  ],
  edges: [{ from: ['clip', 'frames'], to: ['out', 'value'] }],
});

describe('input.video', () => {
  it('gives frames as pictures [N, H, W, 3] and tells the plan how to sample them', () => {
    const { plan } = compileGraph(doc({ frames: 4, fps: 2, height: 32, width: 48 }), createRegistry());
    expect(plan.inputs[0]).toMatchObject({ kind: 'video', dtype: 'uint8', shape: ['N', 32, 48, 3], media: { frames: 4, fps: 2, height: 32, width: 48 } });
  });

  it('refuses a fixed batch that is not whole clips', () => {
    const a = analyzeGraph(doc({ frames: 4, batch: '6' }), createRegistry());
    expect(a.problems.map((p) => p.message).join('\n')).toMatch(/6 pictures is not a whole number of 4-frame clips/);
  });
});
