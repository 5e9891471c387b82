import { describe, expect, it } from 'vitest';
import { graphDoc, runGraph } from '../inputs/run-graph.ts';
import { randomTensor } from '../testing/index.ts';

describe('output.tensor', () => {
  it('returns the connected tensor under its own id, unchanged', async () => {
    const x = randomTensor([2, 3], 4);
    const doc = graphDoc(
      [['x', 'input.tensor', { shape: 'B, 3' }], ['act', 'layer.activation', { fn: 'identity' }], ['result', 'output.tensor'], ['raw', 'output.tensor']],
      [['x.value', 'act.x'], ['act.y', 'result.value'], ['x.value', 'raw.value']],
    );
    const out = await runGraph(doc, { x });
    expect(Object.keys(out).sort()).toEqual(['raw', 'result']);
    expect(out['result']!.dims).toEqual([2, 3]);
    expect(Array.from(out['result']!.data as Float32Array)).toEqual(Array.from(x.data as Float32Array));
    expect(out['raw']!.data).toBe(x.data);
  });
});
