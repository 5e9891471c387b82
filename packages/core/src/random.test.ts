import { describe, expect, it } from 'vitest';
import { Xoshiro128, fillWeight, weightRng } from './random.ts';

describe('xoshiro128**', () => {
  it('matches the reference stream for state (1, 2, 3, 4)', () => {
    const seed = new Uint8Array(new Uint32Array([1, 2, 3, 4]).buffer);
    const r = new Xoshiro128(seed);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('gives each (seed, node, weight) its own reproducible stream', () => {
    const a = fillWeight(new Float32Array(64), { kind: 'uniform', bound: 0.5 }, () => weightRng(1, 'n', 'w'));
    const b = fillWeight(new Float32Array(64), { kind: 'uniform', bound: 0.5 }, () => weightRng(1, 'n', 'w'));
    const c = fillWeight(new Float32Array(64), { kind: 'uniform', bound: 0.5 }, () => weightRng(2, 'n', 'w'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.max(...a)).toBeLessThanOrEqual(0.5);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-0.5);
  });

  it('is pinned: a change to the generator would silently change every seeded model', () => {
    const w = fillWeight(new Float32Array(4), { kind: 'uniform', bound: 1 }, () => weightRng(42, 'fc', 'weight'));
    expect(Array.from(w)).toMatchSnapshot();
  });
});
