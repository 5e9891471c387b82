import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { labelsAndRegions, viltLike } from '../test/runGraphs.ts';
import { graphInputs } from './graphInputs.ts';

const registry = createRegistry();

describe('graphInputs', () => {
  it('names, kinds and shapes the inputs exactly as the compiled plan does', () => {
    for (const doc of [viltLike(), labelsAndRegions()]) {
      const ours = graphInputs(analyzeGraph(doc, registry)).map(({ name, kind, dtype, shape }) => ({ name, kind, dtype, shape }));
      const plan = compileGraph(doc, registry).plan.inputs.map(({ name, kind, dtype, shape }) => ({ name, kind, dtype, shape }));
      expect(ours).toEqual(plan);
    }
  });

  it('marks a text input that a split node cuts into labels', () => {
    const inputs = graphInputs(analyzeGraph(labelsAndRegions(), registry));
    expect(inputs.map((i) => [i.name, i.kind, i.labels])).toEqual([
      ['labels', 'text', true],
      ['regions.features', 'regions', false],
      ['regions.boxes', 'regions', false],
    ]);
    expect(graphInputs(analyzeGraph(viltLike(), registry)).find((i) => i.name === 'question')?.labels).toBe(false);
  });
});
