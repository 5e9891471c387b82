import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { registryWith, runNode, singleNodeGraph } from '../testing/index.ts';
import shift from './teacher-forcing.ts';

const ids = (rows: number[][]): Tensor => ({ dtype: 'int64', dims: [rows.length, rows[0]!.length], data: BigInt64Array.from(rows.flat(), BigInt) });
const list = (t: Tensor) => Array.from(t.data as BigInt64Array, Number);

describe('text.teacher_forcing', () => {
  it('feeds every token but the last and targets every token but the first, padding ignored', async () => {
    const { outputs } = await runNode(shift, { inputs: { ids: ids([[2, 7, 8, 3, 0], [2, 9, 3, 0, 0]]) } });
    expect(outputs['inputs']!.dims).toEqual([2, 4]);
    expect(list(outputs['inputs']!)).toEqual([2, 7, 8, 3, 2, 9, 3, 0]);
    expect(list(outputs['targets']!)).toEqual([7, 8, 3, -100, 9, 3, -100, -100]);
  });

  it('uses the pad token and ignore index it is given', async () => {
    const { outputs } = await runNode(shift, { params: { pad_token: 1, ignore_index: -1 }, inputs: { ids: ids([[5, 1, 0]]) } });
    expect(list(outputs['targets']!)).toEqual([-1, 0]);
  });

  it('refuses a sentence of one token, on the port', () => {
    const a = analyzeGraph(singleNodeGraph(shift, { inputs: { ids: ids([[2]]) } }), registryWith(shift));
    expect(a.problems[0]).toMatchObject({ at: { node: 'n', port: 'ids' } });
    expect(a.problems[0]!.message).toMatch(/at least two tokens/);
  });
});
