import { describe, expect, it } from 'vitest';
import { floatToHalf } from './half.ts';
import type { Tensor } from './tensor.ts';
import { applyWeightsMap, loadWeightsMap, parseWeightsMap, weightsMapProblems, type WeightsMap } from './weights-map.ts';

const f32 = (dims: number[], values?: number[]): Tensor => {
  const n = dims.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', dims, data: Float32Array.from(values ?? Array.from({ length: n }, (_, k) => k)) };
};
const map = (rules: WeightsMap['rules'], tie?: Record<string, string>): WeightsMap =>
  loadWeightsMap({ format: 'modalflow.weights-map', version: 1, title: 't', rules, ...(tie ? { tie } : {}) });
const values = (t: Tensor | undefined) => Array.from(t!.data as Float32Array);

describe('applyWeightsMap', () => {
  it('renames with groups, splits a fused projection, transposes and drops', () => {
    const m = map([
      { from: 'blocks\\.(\\d+)\\.qkv\\.weight', split: ['l.$1.q.weight', 'l.$1.k.weight', 'l.$1.v.weight'] },
      { from: 'proj', to: 'head.weight', transpose: true },
      { from: 'ln\\.(weight|bias)', to: 'norm.$1' },
      { from: 'mask', drop: 'a buffer' },
    ]);
    const source = new Map([
      ['blocks.0.qkv.weight', f32([6, 2])],
      ['proj', f32([2, 3])],
      ['ln.weight', f32([2])],
      ['mask', f32([2, 2])],
    ]);
    const targets = new Map<string, number[]>([
      ['l.0.q.weight', [2, 2]], ['l.0.k.weight', [2, 2]], ['l.0.v.weight', [2, 2]], ['head.weight', [3, 2]], ['norm.weight', [2]], ['norm.bias', [2]],
    ]);
    const { tensors, report } = applyWeightsMap(m, source, targets);
    expect(values(tensors.get('l.0.k.weight'))).toEqual([4, 5, 6, 7]);
    expect(values(tensors.get('head.weight'))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(tensors.get('head.weight')!.dims).toEqual([3, 2]);
    expect(report.dropped).toEqual([{ key: 'mask', reason: 'a buffer' }]);
    expect(report.unplaced).toEqual([]);
    expect(report.seeded).toEqual(['norm.bias']);
    expect(weightsMapProblems(report).map((p) => p.code)).toEqual(['MF_WEIGHT_SEEDED']);
  });

  it('cuts rows, squeezes, reshapes with -1, feeds parts and takes −ln', () => {
    const m = map([
      { from: 'types', parts: [{ to: 'text.types', rows: [0, 1] }, { to: 'regions.type', rows: [1, 2], reshape: [-1] }] },
      { from: 'cls', to: 'patch.cls', squeeze: [0, 1] },
      { from: 'temp', to: 'sim.scale', fn: 'neg_log' },
    ]);
    const source = new Map([['types', f32([2, 3])], ['cls', f32([1, 1, 3])], ['temp', f32([], [0.5])]]);
    const targets = new Map<string, number[]>([['text.types', [1, 3]], ['regions.type', [3]], ['patch.cls', [3]], ['sim.scale', []]]);
    const { tensors, report } = applyWeightsMap(m, source, targets);
    expect(values(tensors.get('regions.type'))).toEqual([3, 4, 5]);
    expect(tensors.get('text.types')!.dims).toEqual([1, 3]);
    expect(tensors.get('patch.cls')!.dims).toEqual([3]);
    expect(values(tensors.get('sim.scale'))[0]).toBeCloseTo(Math.log(2), 6);
    expect(report.seeded).toEqual([]);
  });

  it('fills whichever names of a list the graph has, and ties what the checkpoint leaves out', () => {
    const m = map([{ from: 'layer\\.(\\d+)', to: ['early.$1', 'late.$1'] }, { from: 'emb', to: 'words' }], { decoder: 'words' });
    const source = new Map([['layer.0', f32([2])], ['layer.5', f32([2])], ['layer.9', f32([2])], ['emb', f32([2])]]);
    const targets = new Map<string, number[]>([['early.0', [2]], ['late.5', [2]], ['words', [2]], ['decoder', [2]]]);
    const { tensors, report } = applyWeightsMap(m, source, targets);
    expect([...report.placed.entries()]).toEqual([['early.0', 'layer.0'], ['late.5', 'layer.5'], ['words', 'emb'], ['decoder', 'tie:words']]);
    expect(tensors.get('decoder')).toBe(tensors.get('words'));
    expect(report.unplaced).toEqual([{ key: 'layer.9', reason: 'none of "early.9", "late.9" is a weight of this graph' }]);
  });

  it('reports keys no rule matches, wrong shapes, non-float tensors and double placements; widens float16', () => {
    const m = map([{ from: 'a|b', to: 'w' }, { from: 'c', to: 'v' }, { from: 'ids', to: 'x' }, { from: 'h', to: 'half' }]);
    const half: Tensor = { dtype: 'float16', dims: [2], data: Uint16Array.from([floatToHalf(1.5), floatToHalf(-2)]) };
    const source = new Map<string, Tensor>([
      ['a', f32([2])], ['b', f32([2])], ['c', f32([3])], ['ids', { dtype: 'int64', dims: [1], data: new BigInt64Array(1) }], ['h', half], ['zzz', f32([1])],
    ]);
    const targets = new Map<string, number[]>([['w', [2]], ['v', [2]], ['x', [1]], ['half', [2]]]);
    const { tensors, report } = applyWeightsMap(m, source, targets);
    expect(values(tensors.get('half'))).toEqual([1.5, -2]);
    expect(report.unplaced).toEqual([
      { key: 'b', reason: '"w" is already filled from "a"' },
      { key: 'c', reason: '"v" is [2], the tensor is [3]' },
      { key: 'ids', reason: 'it is int64; weights are float32 (or float16, widened)' },
      { key: 'zzz', reason: 'no rule of the map matches it' },
    ]);
    expect(report.seeded).toEqual(['v', 'x']);
  });

  it('checks names and shapes alone with shapesOnly, reading no values', () => {
    const m = map([{ from: 'qkv', split: ['q', 'k', 'v'] }, { from: 'p', to: 'pt', transpose: true }]);
    const empty = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(0) });
    const targets = new Map<string, number[]>([['q', [4, 4]], ['k', [4, 4]], ['v', [4, 4]], ['pt', [5, 4]]]);
    const { report } = applyWeightsMap(m, new Map([['qkv', empty([12, 4])], ['p', empty([4, 5])]]), targets, { shapesOnly: true });
    expect(report.unplaced).toEqual([]);
    expect(report.seeded).toEqual([]);
  });
});

describe('loading a map', () => {
  it('names the field of a malformed map', () => {
    expect(() => parseWeightsMap('{"format":"modalflow.weights-map","version":1,"title":"t","rules":[{"from":"a"}]}', 'm.json')).toThrow(
      /MF_BAD_WEIGHTS_MAP: a rule needs exactly one of "to", "split", "parts" or "drop" \(m\.json, at \/rules\/0\)/,
    );
    expect(() => parseWeightsMap('{"format":"modalflow.weights-map","version":1,"title":"t","rules":[{"from":"(","to":"a"}]}', 'm.json')).toThrow(
      /"from" is not a regular expression.*at \/rules\/0\/from/,
    );
    expect(() => parseWeightsMap('nope', 'm.json')).toThrow(/MF_BAD_WEIGHTS_MAP: not JSON/);
  });
});
