import type { Tensor } from '@modalflow/core';
import type { Plan } from '@modalflow/compiler';

const SENTENCES = ['a photo of a cat', 'two dogs playing in the snow', 'what color is the car', 'a man riding a horse'];

/**
 * Plausible values for every input of a plan, for running example graphs headless: text gets
 * short English sentences, images random pixels, region boxes valid corners, ids valid ids.
 * Symbolic sizes: the batch `B` is `batch`, any other unknown size is `other`.
 */
export function sampleInputs(plan: Plan, options: { batch?: number; other?: number; seed?: number } = {}): Record<string, Tensor> {
  const batch = options.batch ?? 2;
  const other = options.other ?? 48;
  let s = (options.seed ?? 1) >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const sizes = new Map<string, number>();
  const out: Record<string, Tensor> = {};
  for (const input of plan.inputs) {
    const dims = input.shape.map((d) => {
      if (typeof d === 'number') return d;
      if (!sizes.has(d)) sizes.set(d, d === 'B' ? batch : other);
      return sizes.get(d)!;
    });
    const n = dims.reduce((a, b) => a * b, 1);
    switch (input.dtype) {
      case 'string':
        out[input.name] = { dtype: 'string', dims, data: Array.from({ length: n }, (_, k) => SENTENCES[k % SENTENCES.length]!) };
        break;
      case 'uint8':
        out[input.name] = { dtype: 'uint8', dims, data: Uint8Array.from({ length: n }, () => Math.floor(next() * 256)) };
        break;
      case 'bool':
        out[input.name] = { dtype: 'bool', dims, data: new Uint8Array(n).fill(1) };
        break;
      case 'int64':
      case 'int32': {
        // Ids and masks: small non-negative values keep every embedding lookup in range.
        const values = Array.from({ length: n }, () => (/mask/i.test(input.name) ? 1 : Math.floor(next() * 4)));
        out[input.name] = input.dtype === 'int64'
          ? { dtype: 'int64', dims, data: BigInt64Array.from(values, BigInt) }
          : { dtype: 'int32', dims, data: Int32Array.from(values) };
        break;
      }
      default: {
        const data = new Float32Array(n);
        if (/box/i.test(input.name) && dims.at(-1) === 4) {
          for (let k = 0; k < n; k += 4) {
            const x1 = next() * 0.5, y1 = next() * 0.5;
            data.set([x1, y1, x1 + 0.1 + next() * 0.4, y1 + 0.1 + next() * 0.4], k);
          }
        } else {
          for (let k = 0; k < n; k++) data[k] = next() * 2 - 1;
        }
        out[input.name] = { dtype: 'float32', dims, data };
      }
    }
  }
  return out;
}
