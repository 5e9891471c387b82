import { dimValue, type Shape, type Tensor } from '@modalflow/core';
import type { PlanInput } from '@modalflow/compiler';
import { FREE_SIZE, rng } from './random-graph.ts';

const WORDS = ['a', 'the', 'cat', 'dog', 'on', 'red', 'car', 'what', 'is', 'two', 'blue', 'man'];

/** The size each symbol of the plan's inputs takes in a run: the table's, or FREE_SIZE. */
export function symbolValues(inputs: readonly PlanInput[], table: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of inputs) for (const d of i.shape) if (typeof d === 'string' && sizeOf(d, table) === undefined) out[d] ??= FREE_SIZE;
  return { ...table, ...out };
}

/** A dim's size under `symbols`, or undefined for a size only a run can tell (a resized side). */
export function sizeOf(d: Shape[number], symbols: Readonly<Record<string, number>>): number | undefined {
  if (typeof d === 'number') return d;
  // dimValue counts an unknown name as 1; here an unknown name means an unknown size.
  return (d.match(/[A-Za-z_][A-Za-z0-9_.]*/g) ?? []).every((n) => n in symbols) ? dimValue(d, symbols) : undefined;
}

/**
 * Values for every plan input. Integers are 0 or 1 with the first of each row 1: valid ids for
 * any table of two or more rows, valid class targets, and masks that never hide a whole row.
 */
export function randomInputs(inputs: readonly PlanInput[], symbols: Readonly<Record<string, number>>, seed: number): Record<string, Tensor> {
  const r = rng(seed);
  const out: Record<string, Tensor> = {};
  for (const input of inputs) {
    const dims = input.shape.map((d) => sizeOf(d, symbols) ?? FREE_SIZE);
    const n = dims.reduce((a, b) => a * b, 1);
    const last = dims.at(-1) ?? 1;
    const bit = (k: number) => (k % last === 0 ? 1 : r.int(0, 1));
    switch (input.dtype) {
      case 'string':
        out[input.name] = { dtype: 'string', dims, data: Array.from({ length: n }, () => `${r.pick(WORDS)} ${r.pick(WORDS)}`) };
        break;
      case 'uint8':
        out[input.name] = { dtype: 'uint8', dims, data: Uint8Array.from({ length: n }, () => r.int(0, 255)) };
        break;
      case 'bool':
        out[input.name] = { dtype: 'bool', dims, data: Uint8Array.from({ length: n }, (_, k) => bit(k)) };
        break;
      case 'int64':
        out[input.name] = { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, (_, k) => BigInt(bit(k))) };
        break;
      case 'int32':
        out[input.name] = { dtype: 'int32', dims, data: Int32Array.from({ length: n }, (_, k) => bit(k)) };
        break;
      default:
        out[input.name] = { dtype: 'float32', dims, data: Float32Array.from({ length: n }, () => r.next() * 2 - 1) };
    }
  }
  return out;
}
