import { sha256Bytes, Xoshiro128 } from '@modalflow/core';

/**
 * Integer-only draws over the project's xoshiro128** stream. Each example gets its own streams,
 * keyed by (seed, example index, purpose): example 7 is the same picture whatever the count,
 * and turning up the pixel noise does not change which shapes are drawn.
 */
export class WorldRng {
  private readonly x: Xoshiro128;

  constructor(seed: number, index: number, purpose: string) {
    this.x = new Xoshiro128(sha256Bytes(`modalflow-world:${seed}:${index}:${purpose}`));
  }

  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return this.x.nextUint32() % n;
  }

  /** Uniform whole number in [-a, a]. */
  symmetric(a: number): number {
    return a === 0 ? 0 : this.int(2 * a + 1) - a;
  }

  /** True with probability p, compared in 32-bit steps so every engine agrees. */
  chance(p: number): boolean {
    return this.x.nextUint32() < Math.floor(p * 4294967296);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** Fisher-Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
