import { Xoshiro128, sha256Bytes } from '@modalflow/core';

/**
 * A generator keyed by a purpose, a seed and an epoch. Core's xoshiro128** is integer-only, so
 * the stream (and every permutation built from it) is the same in Node and in every browser;
 * keying each epoch separately lets a run resume at any epoch without replaying earlier ones.
 */
export function dataRng(purpose: 'shuffle' | 'split', seed: number, epoch = 0): Xoshiro128 {
  return new Xoshiro128(sha256Bytes(`modalflow.data:${purpose}:${seed}:${epoch}`));
}

/** Uniform integer in [0, n) by rejection, so no value is favoured when n does not divide 2^32. */
export function below(rng: Xoshiro128, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`below(${n}): n must be an integer in [1, 2^32]`);
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

/** Fisher–Yates over a copy; the input is left as it was. */
export function shuffled<T>(items: readonly T[], rng: Xoshiro128): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
