import { sha256Bytes } from './hash.ts';
import type { WeightInit } from './node.ts';

/**
 * xoshiro128** (Blackman & Vigna). Integer-only, so every JavaScript engine produces the same
 * stream; seeded weights are therefore bit-identical across machines and browsers.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: Uint8Array) {
    const v = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
    this.s0 = v.getUint32(0, true);
    this.s1 = v.getUint32(4, true);
    this.s2 = v.getUint32(8, true);
    this.s3 = v.getUint32(12, true);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits, exactly representable in float32. */
  nextUnit(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator for one weight: keyed by (graph seed, node id, weight name). */
export function weightRng(seed: number, nodeId: string, weight: string): Xoshiro128 {
  return new Xoshiro128(sha256Bytes(`modalflow:${seed}:${nodeId}:${weight}`));
}

export function fillWeight(out: Float32Array, init: WeightInit, rng: () => Xoshiro128): Float32Array {
  switch (init.kind) {
    case 'zeros':
      return out.fill(0);
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'uniform': {
      const r = rng();
      const b = init.bound;
      for (let i = 0; i < out.length; i++) out[i] = (r.nextUnit() * 2 - 1) * b;
      return out;
    }
  }
}

/** PyTorch's nn.Linear default bound (kaiming_uniform with a=sqrt(5)) reduces to 1/sqrt(fan_in). */
export function linearBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}
