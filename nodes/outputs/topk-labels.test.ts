import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { randomTensor, registryWith, runNode, singleNodeGraph } from '../testing/index.ts';
import topk from './topk-labels.ts';

/** Reference: selection by repeated scan for the largest remaining score, lowest index on ties. */
function ref(s: Float32Array, rows: number, c: number, k: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const used = new Set<number>();
    const picked: number[] = [];
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let i = 0; i < c; i++) {
        if (used.has(i)) continue;
        const v = s[r * c + i]!;
        if (best < 0 || (Number.isNaN(s[r * c + best]!) && !Number.isNaN(v)) || v > s[r * c + best]!) best = i;
      }
      used.add(best);
      picked.push(best);
    }
    out.push(picked);
  }
  return out;
}

const LABELS = ['yes', 'no', 'two', 'red', 'dog', 'cat'];

describe('output.topk_labels', () => {
  it('returns the k best classes, their scores and labels, best first', async () => {
    const scores = randomTensor([4, 6], 17);
    const { outputs } = await runNode(topk, { params: { k: 3, labels: LABELS }, inputs: { scores } });
    const expected = ref(scores.data as Float32Array, 4, 6, 3);
    expect(outputs['indices']!.dims).toEqual([4, 3]);
    expect(outputs['indices']!.dtype).toBe('int64');
    expect(Array.from(outputs['indices']!.data as BigInt64Array, Number)).toEqual(expected.flat());
    expect(Array.from(outputs['scores']!.data as Float32Array)).toEqual(expected.flatMap((row, r) => row.map((c) => (scores.data as Float32Array)[r * 6 + c]!)));
    expect(outputs['labels']!.data).toEqual(expected.flat().map((c) => LABELS[c]));
  });

  it('keeps class order on ties, puts NaN last, and names classes by index without labels', async () => {
    const scores: Tensor = { dtype: 'float32', dims: [2, 5], data: Float32Array.from([0.5, 0.9, 0.5, 0.9, 0.1, NaN, 1, NaN, -2, 1]) };
    const { outputs } = await runNode(topk, { params: { k: 5 }, inputs: { scores } });
    expect(Array.from(outputs['indices']!.data as BigInt64Array, Number)).toEqual([1, 3, 0, 2, 4, 1, 4, 3, 0, 2]);
    expect(Array.from(outputs['indices']!.data as BigInt64Array, Number)).toEqual(ref(scores.data as Float32Array, 2, 5, 5).flat());
    expect(outputs['labels']!.data).toEqual(['1', '3', '0', '2', '4', '1', '4', '3', '0', '2']);
  });

  it('rejects a label list that does not match the classes, and k above the class count', () => {
    const reg = registryWith(topk);
    const bad = analyzeGraph(singleNodeGraph(topk, { params: { labels: LABELS }, inputs: { scores: randomTensor([2, 5]) } }), reg);
    const p = bad.problems.find((q) => q.code === 'MF_SHAPE_INFER');
    expect(p?.at.port).toBe('scores');
    expect(p?.message).toContain('input "scores" has 5 classes but 6 labels');
    const big = analyzeGraph(singleNodeGraph(topk, { params: { k: 9 }, inputs: { scores: randomTensor([2, 5]) } }), reg);
    expect(big.problems.find((q) => q.code === 'MF_SHAPE_INFER')?.at.param).toBe('k');
    const rank = analyzeGraph(singleNodeGraph(topk, { inputs: { scores: randomTensor([2, 5, 1]) } }), reg);
    expect(rank.problems.find((q) => q.code === 'MF_SHAPE_MISMATCH')?.message).toContain('input "scores"');
  });

  it('refuses k above a class count only a run can tell with a coded error naming the node', async () => {
    // Zero-shot scores have one class per prompt, so C is symbolic and analysis lets k = 4 through.
    const symbolic = analyzeGraph(singleNodeGraph(topk, { params: { k: 4 }, inputs: { scores: { dtype: 'float32', dims: ['B', 'K'] as never, data: new Float32Array(0) } } }), registryWith(topk));
    expect(symbolic.problems).toEqual([]);
    const scores = randomTensor([2, 3], 5);
    const run = (params: Record<string, unknown>) =>
      Promise.resolve().then(() => topk.host!({ scores }, { node: 'top', params: { k: 5, labels: [], ...params } as never, asset: () => undefined }));
    await expect(run({ k: 4 })).rejects.toMatchObject({ code: 'MF_HOST_INPUT', at: { node: 'top', port: 'scores', param: 'k' }, message: expect.stringContaining('k = 4 is more than the 3 classes') });
    await expect(run({ k: 2, labels: ['a', 'b'] })).rejects.toMatchObject({ code: 'MF_HOST_INPUT', at: { node: 'top', param: 'labels' } });
    await expect(run({ k: 3 })).resolves.toMatchObject({ indices: { dims: [2, 3] } });
  });
});
